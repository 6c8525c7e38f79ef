/** Markdown rendering of the quality benchmark's results (date-free and deterministic: a fresh run gives the same text). */
import type { ProxyCard } from '../../lib/run/index.ts';
import { prefixShare } from './quality-metrics.ts';
import type { PolicyResult } from './quality-scenario.ts';

/** A markdown table; the first column left-aligned, the others right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** `0.1234` -> `12.3%`. */
export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

/** What one scenario (a target, with its run and oracle) contributes to the report. */
export interface ScenarioResult {
  title: string;
  target: 'loss' | 'reducible';
  card: ProxyCard;
  docs: number;
  corpusTokens: number;
  spearmanAllDocs: number;
  spreadVsErrorAllDocs: number;
  randomComposition: Record<string, number>;
  corpusComposition: Record<string, number>;
  policies: PolicyResult[];
}

/** The summary table: one row per policy. */
export function policyTable(s: ScenarioResult): string {
  const randomJunk = prefixShare(s.randomComposition);
  return markdownTable(
    ['policy', 'Spearman (all docs)', 'overlap with oracle', 'junk: proxy', 'junk: oracle', 'junk: random', 'proxy / random junk'],
    s.policies.map((p) => {
      const junk = prefixShare(p.proxyComposition);
      return [
        p.isDefault ? `**${p.name}** (default)` : p.name,
        s.spearmanAllDocs.toFixed(3),
        pct(p.overlap),
        pct(junk),
        pct(prefixShare(p.oracleComposition)),
        pct(randomJunk),
        randomJunk > 0 ? (junk / randomJunk).toFixed(2) : 'n/a',
      ];
    }),
  );
}

/** Composition by category (token shares): the corpus, a random selection, each policy's proxy selection. */
export function compositionTable(s: ScenarioResult, categories: readonly string[]): string {
  const row = (name: string, c: Record<string, number>) => [name, ...categories.map((k) => pct(c[k] ?? 0, 1))];
  return markdownTable(
    ['selection', ...categories],
    [
      row('corpus', s.corpusComposition),
      row('random (equal tokens)', s.randomComposition),
      ...s.policies.flatMap((p) => [row(`proxy: ${p.name}`, p.proxyComposition), row(`oracle: ${p.name}`, p.oracleComposition)]),
    ],
  );
}

/** Held-out fidelity of the fit and the ensemble's spread-vs-error calibration. */
export function fidelitySection(s: ScenarioResult): string {
  const f = s.card.fidelity;
  const cal = s.card.spreadCalibration as { spearmanStdVsAbsError: number; binned: { meanStd: number; meanAbsError: number; n: number }[] };
  return [
    markdownTable(
      ['held-out (from proxy/card.json)', 'value'],
      [
        ['documents', String(f.n)],
        ['Spearman', f.spearman.toFixed(3)],
        ['Pearson', f.pearson.toFixed(3)],
        ['R²', f.r2.toFixed(3)],
        [`top-${pct(f.topKFraction, 0)} agreement`, pct(f.topKAgreement)],
        ['spread vs \\|error\\| Spearman (held-out)', cal.spearmanStdVsAbsError.toFixed(3)],
        ['spread vs \\|error\\| Spearman (all docs, vs oracle)', s.spreadVsErrorAllDocs.toFixed(3)],
      ],
    ),
    '',
    'Spread calibration on the held-out split (quintiles of the ensemble spread):',
    '',
    markdownTable(
      ['spread quintile', 'mean spread', 'mean \\|error\\|', 'docs'],
      cal.binned.map((b, i) => [String(i + 1), b.meanStd.toFixed(4), b.meanAbsError.toFixed(4), String(b.n)]),
    ),
  ].join('\n');
}

/** The whole results file. */
export function renderReport(scenarios: readonly ScenarioResult[], categories: readonly string[], preamble: string): string {
  const parts = [preamble.trim(), ''];
  for (const s of scenarios) {
    parts.push(
      `## ${s.title}`,
      '',
      `${s.docs.toLocaleString('en-US')} documents, ${s.corpusTokens.toLocaleString('en-US')} estimated tokens; budget ${pct(
        s.policies[0]!.budgetTokens / s.corpusTokens,
        0,
      )} of the tokens (${s.policies[0]!.budgetTokens.toLocaleString('en-US')}). Junk = the generated \`junk-*\` categories, as a share of the selection's tokens.`,
      '',
      policyTable(s),
      '',
      '### Fidelity and uncertainty',
      '',
      fidelitySection(s),
      '',
      '### Composition by category (share of selected tokens)',
      '',
      compositionTable(s, categories),
      '',
    );
  }
  return parts.join('\n');
}
