/** Renders bench/results/downstream.md from the mixes' results. */
import type { BuiltModel } from './model.ts';
import type { MixResult, RowResult } from './mix.ts';
import { downstreamScore } from './select.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Gain per byte of each row, the mean random gain and the best oracle gain of a mix. */
export function mixScores(mix: MixResult): { gain: (r: RowResult) => number; meanRandom: number; bestOracle: number; score: (r: RowResult) => number } {
  const gain = (r: RowResult) => mix.pretrained.lossPerByte - r.lossPerByte;
  const random = mix.rows.filter((r) => r.kind === 'random').map(gain);
  const meanRandom = random.reduce((a, b) => a + b, 0) / Math.max(1, random.length);
  const bestOracle = Math.max(...mix.rows.filter((r) => r.kind === 'oracle').map(gain));
  return { gain, meanRandom, bestOracle, score: (r) => downstreamScore(gain(r), meanRandom, bestOracle) };
}

function randomSpread(mix: MixResult): number {
  const { gain } = mixScores(mix);
  const g = mix.rows.filter((r) => r.kind === 'random').map(gain);
  return g.length ? Math.max(...g) - Math.min(...g) : 0;
}

function mixTable(mix: MixResult): string {
  const { gain, score, meanRandom, bestOracle } = mixScores(mix);
  const lines = [
    `### ${mix.name}, budget ${budgetLabel(mix.budgetShare)}: ${mix.docs} documents, ${pct(mix.junkDocShare)} generated junk (by documents)`,
    '',
    `Corpus: ${mix.corpusTokens.toLocaleString('en-US')} real tokens. Sample: ${mix.sampleDocs} documents labelled ` +
      `(${pct(mix.sampleDocs / mix.docs)}). Corpus tokens: junk ${pct(mix.corpusShares?.junk ?? 0)}, prose ${pct(mix.corpusShares?.prose ?? 0)}, spam ${pct(mix.corpusShares?.spam ?? 0)}, duplicates ${pct(mix.corpusShares?.dup ?? 0)}. Budget: ${mix.budget.toLocaleString('en-US')} real tokens (${pct(mix.budgetShare)} of the corpus's); ` +
      `each row trains on ${mix.trainTokens !== undefined && mix.trainTokens < mix.budget ? `the first ${mix.trainTokens.toLocaleString('en-US')} tokens of its selection in a seeded order` : 'all of its selection'}. Pretrained model on the target: ` +
      `${mix.pretrained.lossPerByte.toFixed(4)} nats/byte, ${mix.pretrained.lossPerToken.toFixed(4)} nats/token. ` +
      `Mean random gain ${meanRandom.toFixed(4)} nats/byte (spread of the 3 seeds ${randomSpread(mix).toFixed(4)}); ` +
      `best oracle gain ${bestOracle.toFixed(4)} nats/byte. Proxy held-out Spearman: ` +
      Object.entries(mix.proxyFidelity)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ') +
      `. The torch oracle matches proxysel's onnx reference on the sample to ${mix.oracleAgreement.toExponential(1)} nats/token.`,
    '',
    '| row | kind | score | gain (nats/byte) | target loss (nats/byte) | target loss (nats/token) | junk | prose | spam | duplicates | selected tokens |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of mix.rows) {
    const s = score(r);
    const name = r.isDefault ? `**${r.name} (default)**` : r.name;
    const short = r.selectedTokens < 0.99 * mix.budget ? ` (${pct(r.selectedTokens / mix.budget)} of the budget)` : '';
    lines.push(
      `| ${name} | ${r.kind} | ${Number.isFinite(s) ? s.toFixed(2) : 'n/a'} | ${gain(r).toFixed(4)} | ${r.lossPerByte.toFixed(4)} | ` +
        `${r.lossPerToken.toFixed(4)} | ${pct(r.junkShare)} | ${pct(r.proseShare ?? 0)} | ${pct(r.spamShare ?? 0)} | ${pct(r.dupShare)} | ${r.selectedTokens.toLocaleString('en-US')}${short} |`,
    );
  }
  lines.push('', 'Timings: ' + mix.timings.map((t) => `${t.stage} ${t.seconds.toFixed(0)} s`).join('; ') + '.');
  return lines.join('\n');
}

const budgetLabel = (b: number) => `${+(b * 100).toFixed(1)}%`;

/** The grid's axes: junk levels (mix names, in order) and budget shares, as the cells hold them. */
function axes(cells: MixResult[]): { mixes: string[]; budgets: number[] } {
  const mixes: string[] = [];
  const budgets: number[] = [];
  for (const c of cells) {
    if (!mixes.includes(c.name)) mixes.push(c.name);
    if (!budgets.includes(c.budgetShare)) budgets.push(c.budgetShare);
  }
  budgets.sort((a, b) => a - b);
  return { mixes, budgets };
}

/** Each non-random row's score in every cell, and its worst cell. */
export function rowScores(cells: MixResult[]): { name: string; isDefault: boolean; scores: (number | undefined)[]; worst: number }[] {
  const names: string[] = [];
  for (const c of cells) for (const r of c.rows) if (r.kind !== 'random' && !names.includes(r.name)) names.push(r.name);
  return names.map((n) => {
    const scores = cells.map((c) => {
      const r = c.rows.find((x) => x.name === n);
      return r ? mixScores(c).score(r) : undefined;
    });
    const finite = scores.filter((x): x is number => x !== undefined && Number.isFinite(x));
    return { name: n, isDefault: cells.some((c) => c.rows.some((r) => r.name === n && r.isDefault)), scores, worst: finite.length ? Math.min(...finite) : Number.NaN };
  });
}

/** The summary: each row's score in every cell (junk x budget) and its worst cell, the default first among proxysel rows. */
function summaryTable(cells: MixResult[]): string {
  const header = cells.map((c) => `${c.name}, budget ${budgetLabel(c.budgetShare)}`);
  const lines = [`| row | worst | ${header.join(' | ')} |`, `|---|---:|${cells.map(() => '---:').join('|')}|`];
  for (const r of rowScores(cells)) {
    const fmt = (x: number | undefined) => (x === undefined ? '' : Number.isFinite(x) ? x.toFixed(2) : 'n/a');
    lines.push(`| ${r.isDefault ? `**${r.name} (default)**` : r.name} | ${fmt(r.worst)} | ${r.scores.map(fmt).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** A text heat map of one row's scores: junk levels down, budgets across. */
function gridTable(cells: MixResult[], rowName: string, value: (c: MixResult, r: RowResult) => string): string {
  const { mixes, budgets } = axes(cells);
  const lines = [`| corpus | ${budgets.map((b) => `budget ${budgetLabel(b)}`).join(' | ')} |`, `|---|${budgets.map(() => '---:').join('|')}|`];
  for (const m of mixes) {
    const row = budgets.map((b) => {
      const c = cells.find((x) => x.name === m && x.budgetShare === b);
      const r = c?.rows.find((x) => x.name === rowName);
      return c && r ? value(c, r) : '';
    });
    lines.push(`| ${m} | ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The heat map of every proxysel row and the peer as an SVG (scores in each junk x budget cell, red below 0.9). */
export function heatMapSvg(cells: MixResult[]): string {
  const { mixes, budgets } = axes(cells);
  const rows = rowScores(cells).filter((r) => !r.name.startsWith('oracle'));
  const cw = 64;
  const ch = 26;
  const labelW = 330;
  const blockW = labelW + budgets.length * cw * mixes.length + 20;
  const head = 70;
  const height = head + rows.length * ch + 40;
  const color = (x: number) => {
    if (!Number.isFinite(x)) return '#ddd';
    const t = Math.max(0, Math.min(1, x));
    if (x < 0.9) return `rgb(${230},${Math.round(120 + 100 * t)},${Math.round(110 + 60 * t)})`;
    return `rgb(${Math.round(120 - 60 * (t - 0.9) * 10)},${190},${120})`;
  };
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${blockW}" height="${height}" font-family="sans-serif" font-size="12">`, `<rect width="100%" height="100%" fill="white"/>`];
  out.push(`<text x="8" y="18" font-size="14" font-weight="bold">bench:downstream: score per cell (0 = random, 1 = best oracle; red below 0.9)</text>`);
  mixes.forEach((m, mi) => {
    const x0 = labelW + mi * budgets.length * cw;
    out.push(`<text x="${x0 + (budgets.length * cw) / 2}" y="${head - 30}" text-anchor="middle" font-weight="bold">${m}</text>`);
    budgets.forEach((b, bi) => out.push(`<text x="${x0 + bi * cw + cw / 2}" y="${head - 10}" text-anchor="middle">${budgetLabel(b)}</text>`));
  });
  rows.forEach((r, ri) => {
    const y = head + ri * ch;
    const label = r.isDefault ? `proxysel default (${r.name.replace(/^proxysel default: /, '').replace(/ \(.*$/, '')})` : r.name;
    const short = label.length > 46 ? `${label.slice(0, 45)}…` : label;
    out.push(`<text x="8" y="${y + ch / 2 + 4}"${r.isDefault ? ' font-weight="bold"' : ''}>${short.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`);
    mixes.forEach((m, mi) =>
      budgets.forEach((b, bi) => {
        const i = cells.findIndex((c) => c.name === m && c.budgetShare === b);
        const v = i >= 0 ? r.scores[i] : undefined;
        const x = labelW + (mi * budgets.length + bi) * cw;
        out.push(`<rect x="${x + 1}" y="${y + 1}" width="${cw - 2}" height="${ch - 2}" fill="${v === undefined ? '#f4f4f4' : color(v)}"/>`);
        if (v !== undefined) out.push(`<text x="${x + cw / 2}" y="${y + ch / 2 + 4}" text-anchor="middle">${Number.isFinite(v) ? v.toFixed(2) : 'n/a'}</text>`);
      }),
    );
  });
  out.push(`<text x="8" y="${height - 12}" fill="#555">budget = share of the corpus's real tokens; junk = share of generated junk documents; rows re-selected from one proxysel run per cell</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** Renders the heat map to a PNG with the machine's Chromium (skipped, with a line, when there is none). */
export async function writeHeatMap(cells: MixResult[], pngPath: string, log: (line: string) => void): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { writeFile } = await import('node:fs/promises');
  const svg = heatMapSvg(cells);
  await writeFile(pngPath.replace(/\.png$/, '.svg'), svg);
  if (!existsSync('/usr/bin/chromium')) {
    log(`no Chromium: wrote only ${pngPath.replace(/\.png$/, '.svg')}`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: pngPath });
  } finally {
    await browser.close();
  }
  log(`heat map: ${pngPath}`);
}

export function renderDownstream(mixes: MixResult[], model: BuiltModel, meta: { totalSeconds: number; quick: boolean; train: Record<string, unknown> }): string {
  const rows = rowScores(mixes);
  const def = rows.find((r) => r.isDefault);
  const proxyselRows = rows.filter((r) => mixes.some((c) => c.rows.some((x) => x.name === r.name && x.kind === 'proxysel')));
  const worstOf = (name: string) => rows.find((r) => r.name === name)?.worst ?? Number.NaN;
  const composition = (c: MixResult, r: RowResult) => `${pct(r.junkShare)} / ${pct(r.proseShare ?? 0)}${r.selectedTokens < 0.99 * c.budget ? ` (${pct(r.selectedTokens / c.budget)} filled)` : ''}`;
  return [
    '# Downstream: does training on the selection make the model better?',
    '',
    'Generated by `npm run bench:downstream` (bench/downstream.ts); do not edit by hand.' + (meta.quick ? ' **Quick mode: two cells only.**' : ''),
    '',
    `The "large model" is a GPT of ${model.params.toLocaleString('en-US')} parameters (width ${model.shape.width}, ${model.shape.layers} layers, ` +
      `${model.shape.heads} heads, vocabulary ${model.shape.vocab}, context ${model.context}; bench/lib/downstream/model.ts) pretrained by gradient descent on ${model.pretrainTokens.toLocaleString('en-US')} tokens of held-out Brown text ` +
      `(whole files the corpus never holds), with its own byte-level BPE tokenizer, exported to ONNX in the HF/Optimum layout and ` +
      `given to proxysel as \`reference.kind: "onnx"\` (maxTokens ${model.context}). The grid: the demo corpus at three junk levels (share of ` +
      'generated junk documents) x three budgets (share of the corpus\'s **real tokens**, the GPT\'s tokenizer). Per cell and row, the ' +
      'selection holds at most the budget; its documents are packed in a seeded order and a fresh copy of the pretrained GPT trains one pass on ' +
      'them, cut at 2.5% of the corpus\'s tokens (the smallest budget: larger budgets are judged by what their selection holds per token, so under-filling costs nothing unless the selection holds less than that) ' +
      `(${Object.entries(meta.train).map(([k, v]) => `${k} ${v}`).join(', ')}), then its loss is measured on a held-out clean target ` +
      '(other held-out Brown files, never trained on). A selection holding less than the cut trains on all of it.',
    '',
    '- **gain** = pretrained target loss - target loss after training, in **nats per UTF-8 byte** (tokenizer independent; the headline). ' +
      'Loss per token is shown beside it.',
    '- **score** = (gain - mean random gain) / (best oracle gain - mean random gain), per cell: 0 is random, 1 the best oracle. A row is judged by its **worst** cell.',
    '- **proxysel** rows: one proxysel run per cell (reference pass on a labelled sample of 2% of the documents, proxy fit, scoring every document, the quality rules in the same pass), ' +
      'then each policy re-selected from its stored scores (as `proxysel select`).',
    '- **random**: 3 seeds, the noise floor. **oracle**: the GPT\'s true loss on every document (the same window as proxysel\'s ' +
      'reference pass), per token or per byte, selected by the rule named. **peer**: Gopher quality rules + exact dedup, ' +
      'filling the budget in a random order of the documents that pass.',
    '- **junk** / **prose** / **duplicates**: token shares of the trained tokens from the demo\'s generated `junk-*` categories, its clean prose (`prose`, `prose-other`) and its `*-duplicate` categories.',
    '',
    def ? `**The default (${def.name}) scores ${def.worst.toFixed(2)} in its worst cell.** The Gopher peer's worst cell: ${worstOf('Gopher rules + exact dedup').toFixed(2)}.` : '',
    '',
    '## The default on the grid',
    '',
    def ? 'Score (0 = random, 1 = best oracle):\n\n' + gridTable(mixes, def.name, (c, r) => mixScores(c).score(r).toFixed(2)) : '',
    '',
    def ? 'What it trained on, junk / prose share of the tokens (the corpus\'s own shares are in each cell\'s table below):\n\n' + gridTable(mixes, def.name, composition) : '',
    '',
    'The Gopher peer, score:',
    '',
    gridTable(mixes, 'Gopher rules + exact dedup', (c, r) => mixScores(c).score(r).toFixed(2)),
    '',
    '![heat map](../../docs/downstream-grid.png)',
    '',
    '## Every row, every cell',
    '',
    summaryTable(mixes),
    '',
    `Worst cell of each proxysel row: ${proxyselRows.map((r) => `${r.name} ${r.worst.toFixed(2)}`).join('; ')}.`,
    '',
    '## Per cell',
    '',
    mixes.map(mixTable).join('\n\n'),
    '',
    `Model build (not in the run's time; its weights and tokenizer are committed in bench/models/, so a cold run only re-exports the ONNX model, in seconds): ${model.buildSeconds.toFixed(0)} s when it was pretrained. Whole run: ${(meta.totalSeconds / 60).toFixed(1)} minutes on this machine.`,
    '',
  ].join('\n');
}
