import type { PolicySpec } from '../job/spec.ts';
import { binOf, docHash, KeyHistogram, makePolicy, planThreshold, type BoundaryCandidate, type Threshold } from '../select/index.ts';
import { artifactKeys } from './artifacts.ts';
import { readProxyCard } from './card.ts';
import { readItems, readPlan, type PlanBudget } from './plan-file.ts';
import { readScoreFile } from './score-file.ts';
import type { ItemHistogramFile } from './score.ts';
import type { StageContext } from './types.ts';

/** threshold.json: the policy and budget as resolved, and the threshold that fills the budget. */
export interface ThresholdFile {
  policy: PolicySpec;
  /** The budget as asked for (form, and its fraction or flops where given) and resolved to an amount in its unit. */
  budget: {
    form: PlanBudget['form'];
    unit: 'tokens' | 'docs';
    amount: number;
    fraction?: number;
    flops?: number;
    modelParams?: number;
  };
  corpus: { docs: number; tokens: number; excludedDocs: number; excludedTokens: number };
  threshold: Threshold;
}

export interface ReduceInput {
  plan: string;
  /** Re-selection (`proxysel select`): a different budget or policy than the spec's, over the stored scores. */
  budget?: PlanBudget;
  policy?: PolicySpec;
}

/** The budget in its unit, now that the corpus's tokens are known. */
export function resolveBudget(budget: PlanBudget, corpusTokens: number): { unit: 'tokens' | 'docs'; amount: number } {
  if (budget.form === 'fraction') return { unit: 'tokens', amount: Math.round(budget.fraction * corpusTokens) };
  return { unit: budget.unit, amount: budget.amount };
}

/**
 * reduce: merges the items' histograms, finds the key bin where the budget runs out, then reads that boundary bin's
 * documents back from the score files of the items that have any, and fills the remainder exactly in a deterministic
 * hash order. A budget-band policy first excludes the top of the key order (its boundary cut the same way), so the
 * budget fills from the top of what is left. Writes threshold.json.
 */
export async function reduceScores(input: ReduceInput, ctx: StageContext): Promise<{ plan: string; threshold: ThresholdFile }> {
  const run = await readPlan(ctx.store, input.plan);
  const spec = run.plan.spec;
  const policySpec = input.policy ?? spec.policy;
  const planBudget = input.budget ?? run.plan.budget;
  const items = await readItems(ctx.store, run);
  const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
  const seed = spec.sample.seed;
  const policy = makePolicy(policySpec, { seed, scoreQuantiles: card.scoreQuantiles });

  // Histograms: stored ones when the policy is the spec's; else recomputed from the stored scores.
  const merged = new KeyHistogram();
  const perItem = new Map<string, KeyHistogram>();
  const corpus = { docs: 0, tokens: 0, excludedDocs: 0, excludedTokens: 0 };
  for (const item of items) {
    let hist: KeyHistogram;
    if (input.policy === undefined) {
      const histUri = run.uri(artifactKeys.histogram(item.id));
      const file = await ctx.store.readJson<ItemHistogramFile>(histUri);
      hist = KeyHistogram.fromJSON(file.histogram, histUri);
      corpus.docs += file.docs;
      corpus.tokens += file.tokens;
      corpus.excludedDocs += file.excluded.docs;
      corpus.excludedTokens += file.excluded.tokens;
    } else {
      hist = new KeyHistogram();
      for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)))) {
        const key = policy.key(r);
        corpus.docs += 1;
        corpus.tokens += r.tokens;
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
  /** Every document of one key bin, read back from the score files of the items that have any. */
  const binCandidates = async (bin: number): Promise<BoundaryCandidate[]> => {
    const out: BoundaryCandidate[] = [];
    for (const item of items) {
      if (!perItem.get(item.id)!.hasBin(bin)) continue;
      for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)))) {
        const key = policy.key(r);
        if (key !== null && binOf(key) === bin) out.push({ hash: docHash(r.id, seed), item: item.id, row: r.row, tokens: r.tokens });
      }
    }
    return out;
  };

  const threshold = await planThreshold(merged, budget, policy, binCandidates);
  const file: ThresholdFile = {
    policy: policySpec,
    budget: {
      form: planBudget.form,
      ...budget,
      ...(planBudget.form === 'fraction' ? { fraction: planBudget.fraction } : {}),
      ...(planBudget.form === 'flops' ? { flops: planBudget.flops, modelParams: planBudget.modelParams } : {}),
    },
    corpus,
    threshold,
  };
  await ctx.store.writeJson(run.uri(artifactKeys.threshold), file);
  ctx.log.info(`reduce: threshold fills ${threshold.expected.tokens} of ${budget.amount} ${budget.unit === 'docs' ? 'documents' : 'tokens'} budget`);
  return { plan: input.plan, threshold: file };
}
