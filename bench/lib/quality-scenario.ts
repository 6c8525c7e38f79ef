/** One benchmark scenario: a finished run's proxy selections next to the oracle's, for a list of policies. */
import { z } from 'zod';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { policySchema, type PolicySpec } from '../../lib/job/spec.ts';
import { artifactKeys, canonicalJson, estimateFileSchema, type LabelRecord, type ProxyCard, readItems, readLabelsFile, readPlan, readScoreFile, type ScoreRow } from '../../lib/run/index.ts';
import { quantileTable } from '../../lib/pipeline/fit.ts';
import { reduceScores } from '../../lib/pipeline/reduce.ts';
import type { StageContext } from '../../lib/pipeline/types.ts';
import { spearman } from '../../lib/proxy/index.ts';
import { makePolicy, selectedRows } from '../../lib/select/index.ts';
import { composition, prefixShare, selectByKeys, selectedTokens, tokenOverlap } from './quality-metrics.ts';
import { rowKey } from './quality-oracle.ts';

/** A policy to benchmark: a display name and the policy spec (job-spec JSON, defaults filled by the schema). */
export interface BenchPolicy {
  name: string;
  policy: z.input<typeof policySchema>;
}

/** Every scored document of a run, in item then row order, joined with the oracle and its category. */
export interface ScoredCorpus {
  rows: (ScoreRow & { item: string; oracle: number; category: string })[];
  tokens: number[];
  categories: string[];
}

/** One policy's result. */
export interface PolicyResult {
  name: string;
  policy: PolicySpec;
  /** True for the run's own (the job spec's default) policy. */
  isDefault: boolean;
  budgetTokens: number;
  proxyTokens: number;
  oracleTokens: number;
  /** Share of the oracle's selected tokens that the proxy also selected. */
  overlap: number;
  proxyComposition: Record<string, number>;
  oracleComposition: Record<string, number>;
}

/** labels.jsonl.gz of the demo corpus: id -> category. */
export async function readCategories(path: string): Promise<Map<string, string>> {
  const schema = z.object({ id: z.string(), category: z.string() });
  const lines = gunzipSync(await readFile(path)).toString('utf8').split('\n');
  const out = new Map<string, string>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path} line ${i + 1}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    out.set(parsed.data.id, parsed.data.category);
  });
  return out;
}

/** Reads a finished run's score files and joins each row with the oracle's value and the document's category. */
export async function loadScoredCorpus(
  planUri: string,
  ctx: StageContext,
  oracle: (key: string) => number,
  categories: Map<string, string>,
): Promise<ScoredCorpus> {
  const run = await readPlan(ctx.store, planUri);
  const rows: ScoredCorpus['rows'] = [];
  for (const item of await readItems(ctx.store, run)) {
    for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)))) {
      const category = categories.get(r.id);
      if (category === undefined) throw new Error(`document ${r.id} (item ${item.id} row ${r.row}) has no category in the labels file`);
      const value = oracle(rowKey(item.id, r.row));
      if (!Number.isFinite(value)) throw new Error(`document ${r.id} (item ${item.id} row ${r.row}) has no finite oracle value`);
      rows.push({ ...r, item: item.id, oracle: value, category });
    }
  }
  return { rows, tokens: rows.map((r) => r.tokens), categories: rows.map((r) => r.category) };
}

/**
 * Quantiles of the oracle's values on the run's labelled sample (what the proxy's band quantiles are to the proxy):
 * the oracle's band policy cuts its own distribution at the same quantile.
 */
export async function oracleSampleQuantiles(planUri: string, ctx: StageContext, target: (l: LabelRecord) => number): Promise<number[]> {
  const run = await readPlan(ctx.store, planUri);
  const values: number[] = [];
  for await (const l of readLabelsFile(ctx.store, run.uri(artifactKeys.labels))) {
    const v = target(l);
    if (l.tokens > 0 && Number.isFinite(v)) values.push(v);
  }
  return quantileTable(values);
}

/** Proxy-vs-oracle Spearman over every scored document. */
export function allDocsSpearman(corpus: ScoredCorpus): number {
  return spearman(
    corpus.rows.map((r) => r.score),
    corpus.rows.map((r) => r.oracle),
  );
}

/** Spearman of the ensemble's spread with its absolute error against the oracle, over every scored document. */
export function allDocsSpreadVsError(corpus: ScoredCorpus): number {
  return spearman(
    corpus.rows.map((r) => r.std),
    corpus.rows.map((r) => Math.abs(r.score - r.oracle)),
  );
}

/**
 * Runs one policy: the proxy's selection through the pipeline's own reduce stage (policy override over the stored
 * scores) and threshold; the oracle's with the same policy key function, oracle value as score, spread 0, and its own
 * sample quantiles, under the same budget in the same token units.
 */
export async function evaluatePolicy(
  bench: BenchPolicy,
  planUri: string,
  ctx: StageContext,
  corpus: ScoredCorpus,
  card: ProxyCard,
  oracleQuantiles: number[],
  allCategories: readonly string[],
): Promise<PolicyResult> {
  const run = await readPlan(ctx.store, planUri);
  const seed = run.plan.spec.sample.seed;
  const policy = policySchema.parse(bench.policy);
  await reduceScores({ plan: planUri, policy }, ctx);
  // The cut on estimated tokens: the oracle below is cut in the same (estimated) token units.
  const estimate = await ctx.store.readJson(run.uri(artifactKeys.estimate), estimateFileSchema);
  const threshold = { ...estimate, threshold: estimate.estimate };
  if (threshold.budget.unit !== 'tokens') throw new Error(`the quality benchmark needs a token budget, got ${threshold.budget.unit}`);

  const byItem = new Map<string, ScoreRow[]>();
  for (const r of corpus.rows) {
    const list = byItem.get(r.item) ?? [];
    list.push(r);
    byItem.set(r.item, list);
  }
  const chosen = new Map<string, Set<number>>();
  for (const [item, rows] of byItem) chosen.set(item, selectedRows(rows, item, threshold, card, seed).rows);
  const proxySel = corpus.rows.map((r) => chosen.get(r.item)!.has(r.row));

  const oraclePolicy = makePolicy(policy, { seed, scoreQuantiles: oracleQuantiles });
  const oracleSel = selectByKeys(
    corpus.rows.map((r) => ({
      id: r.id,
      item: r.item,
      row: r.row,
      tokens: r.tokens,
      key: oraclePolicy.key({ id: r.id, score: r.oracle, std: 0, chars: r.chars, words: r.words }),
    })),
    { unit: 'tokens', amount: threshold.budget.amount },
    seed,
  );
  return {
    name: bench.name,
    policy,
    isDefault: canonicalJson(policy) === canonicalJson(run.plan.spec.policy),
    budgetTokens: threshold.budget.amount,
    proxyTokens: selectedTokens(proxySel, corpus.tokens),
    oracleTokens: selectedTokens(oracleSel, corpus.tokens),
    overlap: tokenOverlap(oracleSel, proxySel, corpus.tokens),
    proxyComposition: composition(proxySel, corpus.tokens, corpus.categories, allCategories),
    oracleComposition: composition(oracleSel, corpus.tokens, corpus.categories, allCategories),
  };
}

export { prefixShare };
