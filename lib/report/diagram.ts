import { escapeXml, palette } from './svg.ts';

/** One step of the workflow as drawn: a title, a few lines of this run's numbers, and what the step cost. */
export interface DiagramStep {
  id: string;
  title: string;
  lines: string[];
  cost: string;
  /** Highlight: the step where the large model runs. */
  emphasis?: boolean;
}

/**
 * The workflow as an SVG diagram: boxes left to right, two rows when there are many steps, arrows between them.
 * Each box carries `data-step` so a test can find it.
 */
export function workflowDiagram(steps: DiagramStep[]): string {
  const perRow = Math.ceil(steps.length / 2);
  const boxW = 200;
  const boxH = 112;
  const gapX = 34;
  const gapY = 40;
  const left = 12;
  const top = 12;
  const width = left * 2 + perRow * boxW + (perRow - 1) * gapX;
  const height = top * 2 + 2 * boxH + gapY;
  const pos = (i: number) => {
    const row = Math.floor(i / perRow);
    const col = row === 0 ? i % perRow : perRow - 1 - (i % perRow); // snake: the second row runs right to left
    return { x: left + col * (boxW + gapX), y: top + row * (boxH + gapY), row };
  };
  const parts: string[] = [];
  parts.push(
    `<svg class="plot diagram" data-plot="workflow" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
      `aria-label="The selection workflow with this run's numbers" xmlns="http://www.w3.org/2000/svg">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
      `<path d="M0,0 L10,5 L0,10 z" fill="${palette.muted}"/></marker></defs>`,
  );
  steps.forEach((step, i) => {
    const p = pos(i);
    if (i + 1 < steps.length) {
      const q = pos(i + 1);
      let d: string;
      if (q.row === p.row) {
        const forward = q.x > p.x;
        const x1 = forward ? p.x + boxW : p.x;
        const x2 = forward ? q.x : q.x + boxW;
        d = `M${x1},${p.y + boxH / 2} L${x2},${q.y + boxH / 2}`;
      } else {
        d = `M${p.x + boxW / 2},${p.y + boxH} L${q.x + boxW / 2},${q.y}`;
      }
      parts.push(`<path d="${d}" stroke="${palette.muted}" stroke-width="1.5" fill="none" marker-end="url(#arrow)"/>`);
    }
    const stroke = step.emphasis ? palette.accent : palette.selected;
    parts.push(
      `<g data-step="${escapeXml(step.id)}"><rect class="mark" x="${p.x}" y="${p.y}" width="${boxW}" height="${boxH}" rx="8" ` +
        `fill="#fff" stroke="${stroke}" stroke-width="${step.emphasis ? 2.5 : 1.5}"/>`,
      `<text x="${p.x + 10}" y="${p.y + 20}" class="step-title">${escapeXml(step.title)}</text>`,
    );
    step.lines.slice(0, 4).forEach((line, k) => {
      parts.push(`<text x="${p.x + 10}" y="${p.y + 40 + k * 15}" class="step-line">${escapeXml(line)}</text>`);
    });
    parts.push(`<text x="${p.x + 10}" y="${p.y + boxH - 9}" class="step-cost" fill="${stroke}">${escapeXml(step.cost)}</text></g>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
