import type { Manifest } from '../manifest/index.ts';
import type { StageTiming } from '../pipeline/local-runner.ts';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The end-of-run summary: stages with their times, then the selection and the proxy's fidelity. */
export function formatSummary(manifest: Manifest, timings: StageTiming[], output: string): string {
  const stageRows = [['stage', 'seconds', 'what'], ...timings.map((t) => [t.stage, t.seconds.toFixed(1), t.detail])];
  const f = manifest.proxy.fidelity;
  const c = manifest.proxy.tokenEstimates;
  const pctOf = (x: number) => `${(x * 100).toFixed(1)}%`;
  const budget = manifest.budget.unit === 'tokens' ? `${fmt(manifest.budget.tokens ?? 0)} tokens` : `${fmt(manifest.budget.docs ?? 0)} documents`;
  const lines = [
    '',
    table(stageRows),
    '',
    table([
      ['', 'documents', 'tokens'],
      ['corpus', fmt(manifest.corpus.docs), fmt(manifest.corpus.tokens)],
      ['reference sample', fmt(manifest.reference.docs), fmt(manifest.reference.tokens)],
      ['selected', fmt(manifest.selected.docs), fmt(manifest.selected.tokens)],
    ]),
    '',
    `budget: ${budget} (${manifest.budget.form}); filled ${(manifest.selected.budgetFill * 100).toFixed(2)}%, ` +
      `${(manifest.selected.shareOfCorpusTokens * 100).toFixed(1)}% of the corpus's tokens`,
    `proxy: ${manifest.proxy.members} member(s) predicting ${manifest.proxy.target === 'loss' ? 'the reference loss' : 'the reducible loss'}; ` +
      `held-out (n=${f.heldOut}) Spearman ${f.spearman.toFixed(3)}, Pearson ${f.pearson.toFixed(3)}, R² ${f.r2.toFixed(3)}, ` +
      `top-${(f.topKFraction * 100).toFixed(0)}% agreement ${(f.topKAgreement * 100).toFixed(1)}%`,
    `token estimates (${c.model} model, fitted on ${c.fittedOn} documents): held-out error ${pctOf(c.heldOut.meanAbsRelError)} per document ` +
      `(one tokens/byte ratio: ${pctOf(c.singleRatio.heldOut.meanAbsRelError)}), ${(c.heldOut.totalRelError * 100).toFixed(2)}% in total; ` +
      `on each policy's selection: ${c.byPolicy.map((p) => `${p.policy} ${(p.totalRelError * 100).toFixed(2)}%`).join(', ')}`,
    manifest.corpus.badRecords.count > 0
      ? `bad records: ${manifest.corpus.badRecords.count} skipped (${Object.entries(manifest.corpus.badRecords.byReason)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}); first: ${manifest.corpus.badRecords.examples[0]?.message ?? ''}`
      : 'bad records: none',
    `output: ${output}`,
  ];
  return lines.join('\n');
}
