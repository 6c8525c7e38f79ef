/**
 * Static SVG charts for the report: no scripts, no external resources. Every chart is an `<svg class="plot">` whose
 * data marks carry the class `mark`, so a test (or a reader) can tell a drawn plot from an empty one.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for display: integers with thousands separators, others to `digits` significant decimals. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(abs >= 100 ? 1 : digits);
}

/** Compact counts: 1.2k, 3.4M, 5.6B. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e12) return `${(n / 1e12).toFixed(1)}T`;
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return formatNumber(Math.round(n));
}

export const palette = {
  ink: '#1f2933',
  muted: '#7b8794',
  grid: '#e4e7eb',
  selected: '#2f80ed',
  other: '#c3cad3',
  accent: '#e0603f',
  good: '#27ae60',
};

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const defaultFrame: Frame = { width: 560, height: 260, left: 56, right: 16, top: 16, bottom: 44 };

export interface Scale {
  (v: number): number;
  domain: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1raw] = domain;
  const d1 = d1raw === d0 ? d0 + 1 : d1raw;
  const f = ((v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  f.domain = [d0, d1];
  return f;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function n(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}

function open(name: string, f: Frame, title: string): string {
  return (
    `<svg class="plot" data-plot="${escapeXml(name)}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" ` +
    `height="${f.height}" role="img" aria-label="${escapeXml(title)}" xmlns="http://www.w3.org/2000/svg">`
  );
}

function axes(f: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string, xFormat = formatCompact): string {
  const parts: string[] = [];
  for (const t of niceTicks(y.domain[0], y.domain[1])) {
    parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="${palette.grid}"/>`);
    parts.push(`<text x="${f.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" class="tick">${escapeXml(formatCompact(t))}</text>`);
  }
  for (const t of niceTicks(x.domain[0], x.domain[1], 6)) {
    parts.push(`<text x="${n(x(t))}" y="${f.height - f.bottom + 16}" text-anchor="middle" class="tick">${escapeXml(xFormat(t))}</text>`);
  }
  parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="${palette.muted}"/>`);
  parts.push(`<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" text-anchor="middle" class="axis">${escapeXml(xLabel)}</text>`);
  parts.push(
    `<text transform="translate(12 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">${escapeXml(yLabel)}</text>`,
  );
  return parts.join('');
}

const decimals = (v: number) => formatNumber(v, 2);

export interface StackedHistogramInput {
  name: string;
  title: string;
  /** Bin edges (length bins + 1). */
  edges: number[];
  /** Per bin: the selected amount and the rest. */
  selected: number[];
  rest: number[];
  xLabel: string;
  yLabel: string;
  /** Vertical markers (threshold, band cut). */
  markers: { at: number; label: string }[];
}

/** A histogram whose bars are split into a selected (shaded) and an unselected part, with vertical markers. */
export function stackedHistogram(input: StackedHistogramInput, f: Frame = defaultFrame): string {
  const { edges, selected, rest } = input;
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? 1;
  const x = linearScale([lo, hi], [f.left, f.width - f.right]);
  const maxY = Math.max(1, ...selected.map((s, i) => s + (rest[i] ?? 0)));
  const y = linearScale([0, maxY], [f.height - f.bottom, f.top]);
  const bars: string[] = [];
  for (let i = 0; i < selected.length; i++) {
    const x0 = x(edges[i]!);
    const w = Math.max(0.5, x(edges[i + 1]!) - x0 - 0.5);
    const s = selected[i]!;
    const r = rest[i] ?? 0;
    if (r > 0) bars.push(`<rect class="mark" x="${n(x0)}" y="${n(y(s + r))}" width="${n(w)}" height="${n(y(s) - y(s + r))}" fill="${palette.other}"/>`);
    if (s > 0) bars.push(`<rect class="mark selected" x="${n(x0)}" y="${n(y(s))}" width="${n(w)}" height="${n(y(0) - y(s))}" fill="${palette.selected}"/>`);
  }
  const marks = input.markers
    .filter((m) => Number.isFinite(m.at))
    .map(
      (m) =>
        `<line x1="${n(x(m.at))}" x2="${n(x(m.at))}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="${palette.accent}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
        `<text x="${n(x(m.at) + 4)}" y="${f.top + 10}" class="note" fill="${palette.accent}">${escapeXml(m.label)}</text>`,
    );
  return open(input.name, f, input.title) + axes(f, x, y, input.xLabel, input.yLabel, decimals) + bars.join('') + marks.join('') + '</svg>';
}

export interface ScatterInput {
  name: string;
  title: string;
  points: { x: number; y: number }[];
  xLabel: string;
  yLabel: string;
  /** Draw y = x. */
  diagonal?: boolean;
  note?: string;
}

/**
 * The least and greatest of `values` ([0, 1] when empty), by a loop: Math.min(...values) passes every value as an
 * argument and overflows the call stack past about 100,000 of them (a report over a corpus of 400k documents did).
 */
export function extent(values: ArrayLike<number>): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

export function scatterPlot(input: ScatterInput, f: Frame = defaultFrame): string {
  let xd = extent(input.points.map((p) => p.x));
  let yd = extent(input.points.map((p) => p.y));
  if (input.diagonal) {
    const d: [number, number] = [Math.min(xd[0], yd[0]), Math.max(xd[1], yd[1])];
    xd = d;
    yd = d;
  }
  const x = linearScale(xd, [f.left, f.width - f.right]);
  const y = linearScale(yd, [f.height - f.bottom, f.top]);
  const dots = input.points.map(
    (p) => `<circle class="mark" cx="${n(x(p.x))}" cy="${n(y(p.y))}" r="2.2" fill="${palette.selected}" fill-opacity="0.55"/>`,
  );
  const diag = input.diagonal
    ? `<line x1="${n(x(xd[0]))}" y1="${n(y(xd[0]))}" x2="${n(x(xd[1]))}" y2="${n(y(xd[1]))}" stroke="${palette.muted}" stroke-dasharray="3 3"/>`
    : '';
  const note = input.note ? `<text x="${f.left + 8}" y="${f.top + 12}" class="note">${escapeXml(input.note)}</text>` : '';
  return open(input.name, f, input.title) + axes(f, x, y, input.xLabel, input.yLabel, decimals) + diag + dots.join('') + note + '</svg>';
}

export interface BarsInput {
  name: string;
  title: string;
  /** One group per label; each group has one value per series. */
  labels: string[];
  series: { name: string; color: string; values: number[] }[];
  yLabel: string;
  /** Format of the value printed above each bar (none when omitted). */
  valueFormat?: (v: number) => string;
  /** A horizontal reference line (for example the budget). */
  reference?: { at: number; label: string };
  /** Format of the y-axis ticks (default: compact counts). */
  tickFormat?: (v: number) => string;
}

/** Grouped vertical bars with category labels under them. */
export function barChart(input: BarsInput, f: Frame = { ...defaultFrame, bottom: 70 }): string {
  const groups = input.labels.length;
  const maxY = Math.max(1e-12, input.reference?.at ?? 0, ...input.series.flatMap((s) => s.values));
  const y = linearScale([0, maxY * 1.08], [f.height - f.bottom, f.top]);
  const plotW = f.width - f.left - f.right;
  const groupW = plotW / Math.max(1, groups);
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, input.series.length));
  const parts: string[] = [];
  const tick = input.tickFormat ?? formatCompact;
  for (const t of niceTicks(0, maxY * 1.08)) {
    parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="${palette.grid}"/>`);
    parts.push(`<text x="${f.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" class="tick">${escapeXml(tick(t))}</text>`);
  }
  parts.push(
    `<text transform="translate(12 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">${escapeXml(input.yLabel)}</text>`,
  );
  const showLabels = groups <= 40;
  input.labels.forEach((label, g) => {
    const gx = f.left + g * groupW + groupW * 0.1;
    input.series.forEach((s, k) => {
      const v = s.values[g] ?? 0;
      const bx = gx + k * barW;
      parts.push(
        `<rect class="mark" x="${n(bx)}" y="${n(y(v))}" width="${n(Math.max(0.5, barW - 1))}" height="${n(Math.max(v > 0 ? 0.8 : 0, y(0) - y(v)))}" fill="${s.color}"><title>${escapeXml(`${label} ${s.name}: ${formatNumber(v)}`)}</title></rect>`,
      );
      if (input.valueFormat && groups * input.series.length <= 24) {
        parts.push(`<text x="${n(bx + barW / 2)}" y="${n(y(v) - 3)}" text-anchor="middle" class="tick">${escapeXml(input.valueFormat(v))}</text>`);
      }
    });
    if (showLabels) {
      const lx = gx + (barW * input.series.length) / 2;
      parts.push(
        `<text transform="translate(${n(lx)} ${f.height - f.bottom + 10}) rotate(35)" class="tick">${escapeXml(label)}</text>`,
      );
    }
  });
  if (input.reference) {
    const ry = y(input.reference.at);
    parts.push(
      `<line x1="${f.left}" x2="${f.width - f.right}" y1="${n(ry)}" y2="${n(ry)}" stroke="${palette.accent}" stroke-dasharray="4 3"/>` +
        `<text x="${f.width - f.right - 4}" y="${n(ry - 4)}" text-anchor="end" class="note" fill="${palette.accent}">${escapeXml(input.reference.label)}</text>`,
    );
  }
  parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${n(y(0))}" y2="${n(y(0))}" stroke="${palette.muted}"/>`);
  const legend = input.series
    .map(
      (s, k) =>
        `<rect x="${f.width - f.right - 150}" y="${f.top + k * 14}" width="10" height="10" fill="${s.color}"/>` +
        `<text x="${f.width - f.right - 136}" y="${f.top + 9 + k * 14}" class="tick">${escapeXml(s.name)}</text>`,
    )
    .join('');
  return open(input.name, f, input.title) + parts.join('') + (input.series.length > 1 ? legend : '') + '</svg>';
}

/**
 * Bars against a budget: one row per bar (say, the selection's exact and estimated tokens), each drawn to scale with a
 * vertical line at the budget; a bar beyond the budget is drawn in the accent colour.
 */
export function budgetBars(input: { name: string; title: string; budget: number; unit: string; bars: { label: string; value: number; estimate?: boolean }[] }): string {
  const rowHeight = 34;
  const f = { width: 560, height: 36 + rowHeight * input.bars.length, left: 16, right: 16, top: 16, bottom: 20 };
  const w = f.width - f.left - f.right;
  const max = Math.max(input.budget, ...input.bars.map((b) => b.value)) * 1.02;
  const x = (v: number) => f.left + (max > 0 ? (w * v) / max : 0);
  const parts = [open(input.name, f, input.title)];
  input.bars.forEach((b, i) => {
    const y = f.top + i * rowHeight + 12;
    const share = input.budget > 0 ? b.value / input.budget : 0;
    const color = b.value > input.budget ? palette.accent : b.estimate ? palette.other : palette.selected;
    parts.push(
      `<text x="${f.left}" y="${y - 3}" class="note">${escapeXml(`${b.label}: ${formatNumber(b.value)} ${input.unit} (${(100 * share).toFixed(2)}%)`)}</text>`,
      `<rect x="${f.left}" y="${y}" width="${w}" height="14" fill="${palette.grid}"/>`,
      `<rect class="mark" x="${f.left}" y="${y}" width="${n(Math.max(1, x(b.value) - f.left))}" height="14" fill="${color}"/>`,
    );
  });
  const bx = n(x(input.budget));
  parts.push(
    `<line x1="${bx}" x2="${bx}" y1="${f.top}" y2="${f.height - f.bottom + 2}" stroke="${palette.ink}" stroke-width="1.5"/>`,
    `<text x="${bx}" y="${f.height - 6}" text-anchor="end" class="tick">${escapeXml(`budget ${formatNumber(input.budget)}`)}</text>`,
    '</svg>',
  );
  return parts.join('');
}
