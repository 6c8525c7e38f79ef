import type { PolicySpec } from '../job/spec.ts';
import { hasLocalTokenizer } from '../reference/token-counter.ts';
import { docHash, KeyHistogram, makePolicy, binOf, planThreshold, type BoundaryCandidate, type Threshold } from '../select/index.ts';
import { artifactKeys } from './artifacts.ts';
import { readProxyCard, type ProxyCard } from './card.ts';
import { removedRows } from './dedup-files.ts';
import { readItems, readPlan, type PlanBudget, type RunFiles } from './plan-file.ts';
import { readScoreFile } from './score-file.ts';
import type { ItemHistogramFile } from './score.ts';
import type { StageContext } from './types.ts';

/** The budget as asked for (form, and its fraction or flops where given) and resolved to an amount in its unit. */
export interface ResolvedBudget {
  form: PlanBudget['form'];
  unit: 'tokens' | 'docs';
  amount: number;
  fraction?: number;
  flops?: number;
  modelParams?: number;
}

/** What the policy saw of the corpus: documents and tokens (estimated ones, as scored), and what it excluded. */
export interface CorpusTotals {
  docs: number;
  tokens: number;
  excludedDocs: number;
  excludedTokens: number;
  /** Duplicates the dedup stage removed (never selected, not counted as excluded). */
  removedDocs: number;
  removedTokens: number;
}

/**
 * budget/estimate.json (reduce; settle widens it): the cuts on estimated tokens. `estimate` fills the budget on
 * estimates alone; `lower` and `upper` fill (1 - margin) and (1 + margin) of it: documents up to `lower` are
 * selected for sure, those between `lower` and `upper` are the boundary region the count stage lists with their exact
 * tokens, and settle moves the cut over that region by exact counts. With a margin of 0 (budgets in documents, or token
 * counts that are estimates or already exact) all three are the same cut.
 */
export interface EstimateFile {
  /** Reduce's overrides (re-selection), so a widened pass recomputes the same cuts. */
  input: { budget?: PlanBudget; policy?: PolicySpec };
  policy: PolicySpec;
  budget: ResolvedBudget;
  corpus: CorpusTotals;
  /** Whether the count stage counts exactly (a local reference tokenizer) or keeps the estimates. */
  tokenCount: 'exact' | 'estimate';
  /** Pass over the boundary region: 0 first, then one more each time settle had to widen it. */
  attempt: number;
  /** Share of the budget on each side of `estimate` (null: unbounded, the whole candidate list is the region). */
  margin: number | null;
  estimate: Threshold;
  lower: Threshold;
  upper: Threshold;
}

/** threshold.json: the policy and budget as resolved, and the threshold that fills the budget (in real tokens). */
export interface ThresholdFile {
  policy: PolicySpec;
  budget: ResolvedBudget;
  corpus: CorpusTotals;
  /** Whether `threshold.expected.tokens` (and the selection's tokens) are exact counts or estimates. */
  tokenCount: 'exact' | 'estimate';
  threshold: Threshold;
  /** The cut that filled the budget on estimated tokens alone, and its exact tokens (null when counts are estimates). */
  estimateOnly: { threshold: Threshold; tokens: number | null };
  /** Passes over the boundary region it took to settle the cut. */
  passes: number;
}

export interface ReduceInput {
  plan: string;
  /** Re-selection (`proxysel select`): a different budget or policy than the spec's, over the stored scores. */
  budget?: PlanBudget;
  policy?: PolicySpec;
}

/** Passes after which the boundary region is the whole candidate list (so settle always settles there). */
export const MAX_REGION_ATTEMPT = 3;

/** The budget in its unit, now that the corpus's tokens are known. */
export function resolveBudget(budget: PlanBudget, corpusTokens: number): { unit: 'tokens' | 'docs'; amount: number } {
  if (budget.form === 'fraction') return { unit: 'tokens', amount: Math.round(budget.fraction * corpusTokens) };
  return { unit: budget.unit, amount: budget.amount };
}

/**
 * Share of the budget on either side of the estimated cut that the count stage counts exactly: three times the token
 * model's largest held-out total error (over all held-out documents and each policy's would-be selection), at least
 * 2%, at most 25%; four times wider on each further pass, unbounded at the last.
 */
export function regionMargin(card: Pick<ProxyCard, 'tokens'>, attempt: number): number {
  if (attempt >= MAX_REGION_ATTEMPT) return Infinity;
  const errors = [card.tokens.heldOut, ...card.tokens.byPolicy].map((e) => Math.abs(e.totalRelError));
  const base = Math.min(0.25, Math.max(0.02, 3 * Math.max(0, ...errors)));
  return base * 4 ** attempt;
}

/**
 * Merges the histograms (the stored ones when the policy is the spec's; else recomputed from the stored scores), finds
 * the cuts on estimated tokens at the budget and at (1 -/+ margin) of it, reading back only the boundary bins'
 * documents, and writes budget/estimate.json.
 */
export async function estimateCuts(ctx: StageContext, run: RunFiles, input: EstimateFile['input'], attempt: number): Promise<EstimateFile> {
  const spec = run.plan.spec;
  const policySpec = input.policy ?? spec.policy;
  const planBudget = input.budget ?? run.plan.budget;
  const items = await readItems(ctx.store, run);
  const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
  const seed = spec.sample.seed;
  const policy = makePolicy(policySpec, { seed, scoreQuantiles: card.scoreQuantiles });

  const merged = new KeyHistogram();
  const perItem = new Map<string, KeyHistogram>();
  const corpus: CorpusTotals = { docs: 0, tokens: 0, excludedDocs: 0, excludedTokens: 0, removedDocs: 0, removedTokens: 0 };
  const removed = await removedRows(ctx.store, run);
  const removedOf = new Map<string, Set<number>>();
  for (const item of items) {
    let hist: KeyHistogram;
    const gone = await removed.forItem(item.id);
    const goneRows = new Set(gone.rows);
    removedOf.set(item.id, goneRows);
    if (input.policy === undefined) {
      const histUri = run.uri(artifactKeys.histogram(item.id));
      const file = await ctx.store.readJson<ItemHistogramFile>(histUri);
      hist = KeyHistogram.fromJSON(file.histogram, histUri);
      corpus.docs += file.docs;
      corpus.tokens += file.tokens;
      corpus.excludedDocs += file.excluded.docs;
      corpus.excludedTokens += file.excluded.tokens;
      // Duplicates were counted by the score stage; take them back out of the histogram (or of the excluded).
      gone.rows.forEach((_, i) => {
        const key = gone.keys[i]!;
        const tokens = gone.tokens[i]!;
        if (key === null) {
          corpus.excludedDocs -= 1;
          corpus.excludedTokens -= tokens;
        } else hist.remove(key, tokens);
        corpus.removedDocs += 1;
        corpus.removedTokens += tokens;
      });
    } else {
      hist = new KeyHistogram();
      for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)))) {
        corpus.docs += 1;
        corpus.tokens += r.tokens;
        if (goneRows.has(r.row)) {
          corpus.removedDocs += 1;
          corpus.removedTokens += r.tokens;
          continue;
        }
        const key = policy.key(r);
        if (key === null) {
          corpus.excludedDocs += 1;
          corpus.excludedTokens += r.tokens;
        } else hist.add(key, r.tokens);
      }
    }
    perItem.set(item.id, hist);
    merged.merge(hist);
    ctx.progress.add({ docs: 0 });
  }

  const budget = resolveBudget(planBudget, corpus.tokens);
  const tokenCount = spec.exactTokens || hasLocalTokenizer(spec.reference) ? 'exact' : 'estimate';
  const countsMoveTheCut = budget.unit === 'tokens' && tokenCount === 'exact' && !spec.exactTokens;
  const margin = countsMoveTheCut ? regionMargin(card, attempt) : 0;
  // A budget-band's excluded top is the one its estimate at the budget implies: the cuts on either side keep it (the
  // multiple scales with the amount, so that kept - multiple x amount, what is excluded, stays the same).
  const multiple = policy.budgetMultiple;
  const upperAmount = margin === Infinity ? Number.MAX_SAFE_INTEGER : Math.min(Number.MAX_SAFE_INTEGER, budget.amount * (1 + margin));
  const amounts = [
    budget.amount,
    Math.max(multiple === undefined ? 0 : 1, budget.amount * (1 - margin)),
    multiple === undefined ? upperAmount : Math.min(upperAmount, multiple * budget.amount),
  ];
  const bins = new Map<number, Promise<BoundaryCandidate[]>>();
  /** Every document of one key bin, read back from the score files of the items that have any (once per bin). */
  const binCandidates = (bin: number): Promise<BoundaryCandidate[]> => {
    let entry = bins.get(bin);
    if (!entry) {
      entry = (async () => {
        const out: BoundaryCandidate[] = [];
        for (const item of items) {
          if (!perItem.get(item.id)!.hasBin(bin)) continue;
          const goneRows = removedOf.get(item.id)!;
          for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)))) {
            if (goneRows.has(r.row)) continue;
            const key = policy.key(r);
            if (key !== null && binOf(key) === bin) out.push({ hash: docHash(r.id, seed), item: item.id, row: r.row, tokens: r.tokens });
          }
        }
        return out;
      })();
      bins.set(bin, entry);
    }
    return entry;
  };
  const cuts: Threshold[] = [];
  for (const amount of amounts) {
    const scaled = multiple === undefined || budget.amount <= 0 ? policy : { budgetMultiple: (multiple * budget.amount) / amount };
    cuts.push(await planThreshold(merged, { unit: budget.unit, amount }, scaled, binCandidates));
  }
  const [estimate, lower, upper] = cuts as [Threshold, Threshold, Threshold];
  const file: EstimateFile = {
    input,
    policy: policySpec,
    budget: {
      form: planBudget.form,
      ...budget,
      ...(planBudget.form === 'fraction' ? { fraction: planBudget.fraction } : {}),
      ...(planBudget.form === 'flops' ? { flops: planBudget.flops, modelParams: planBudget.modelParams } : {}),
    },
    corpus,
    tokenCount,
    attempt,
    margin: Number.isFinite(margin) ? margin : null,
    estimate,
    lower,
    upper,
  };
  await ctx.store.writeJson(run.uri(artifactKeys.estimate), file);
  return file;
}

/**
 * reduce: the cuts on estimated tokens (budget/estimate.json): where the budget runs out by the token model's
 * estimates, and the boundary region around it that the count stage counts exactly.
 */
export async function reduceScores(
  input: ReduceInput,
  ctx: StageContext,
): Promise<{ plan: string; estimate: { tokens: number; docs: number; margin: number | null } }> {
  const run = await readPlan(ctx.store, input.plan);
  const file = await estimateCuts(ctx, run, { budget: input.budget, policy: input.policy }, 0);
  const unit = file.budget.unit === 'docs' ? 'documents' : 'tokens';
  ctx.log.info(`reduce: on estimated tokens the threshold fills ${file.estimate.expected.tokens} of ${file.budget.amount} ${unit} budget`);
  return { plan: input.plan, estimate: { ...file.estimate.expected, margin: file.margin } };
}
