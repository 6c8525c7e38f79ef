import type { Manifest } from '../manifest/index.ts';
import type { StageTiming } from '../run/index.ts';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The budget and how it was filled: in real (counted) tokens where they are exact, with the estimates beside. */
function budgetLine(m: Manifest, budget: string): string {
  const s = m.selected;
  const share = `${(s.shareOfCorpusTokens * 100).toFixed(1)}% of the corpus's tokens`;
  if (m.budget.unit === 'docs') return `budget: ${budget} (${m.budget.form}); filled ${(s.budgetFill * 100).toFixed(2)}%, ${share}`;
  if (s.tokenCount !== 'exact') return `budget: ${budget} (${m.budget.form}); filled ${(s.budgetFill * 100).toFixed(2)}% in estimated tokens (no local tokenizer), ${share}`;
  const only = s.estimateOnly.tokens !== null && m.budget.tokens ? `; filling on estimates alone would have held ${fmt(s.estimateOnly.tokens)} (${((s.estimateOnly.tokens / m.budget.tokens) * 100).toFixed(1)}%)` : '';
  return (
    `budget: ${budget} (${m.budget.form}); filled ${(s.budgetFill * 100).toFixed(2)}% in real tokens (${fmt(s.tokens)} counted; ` +
    `the token model estimated ${fmt(s.estimatedTokens)})${only}, ${share}`
  );
}

/** The budget's shortfall, when the policy kept less than the budget (a budget is a ceiling). */
function shortfallLines(m: Manifest): string[] {
  const s = m.selected.shortfall;
  if (!s) return [];
  return [`NOT FILLED: ${(s.share * 100).toFixed(1)}% of the budget (${fmt(Math.round(s.amount))} ${m.budget.unit}) left unspent: ${s.reason}`];
}

/** The quality rules' verdict: the selection's share of tokens failing a rule against the corpus's. */
function qualityLine(m: Manifest): string {
  const q = m.quality;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (q.mode === 'off') return 'quality rules: off (rules.enabled false): nothing was checked for spam, boilerplate or gibberish';
  const head = `quality rules (${q.rules.length}, as filters)`;
  const ex = q.excluded;
  const warn = q.verdict === 'worse' ? ' WARNING: the selection fails the rules more often than the corpus does.' : '';
  return (
    `${head}: ${pct(q.corpusFailing.tokenShare)} of the corpus's tokens fail one, ${pct(q.selectionFailing.tokenShare)} of the selection's; ` +
    `left out: rules ${fmt(ex.rules.docs)}, untrusted predictions ${fmt(ex.untrusted.docs)}, outside the band ${fmt(ex.band.docs)}, filters ${fmt(ex.filters.docs)} documents.${warn}`
  );
}

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
      [`selected (${manifest.selected.tokenCount === 'exact' ? 'exact' : 'estimated'} tokens)`, fmt(manifest.selected.docs), fmt(manifest.selected.tokens)],
    ]),
    '',
    budgetLine(manifest, budget),
    ...shortfallLines(manifest),
    qualityLine(manifest),
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
