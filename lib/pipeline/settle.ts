import { compareRegion, cutInRegion, isSelectedInBin, type RegionDoc } from '../select/index.ts';
import { artifactKeys, estimateFileSchema, itemCountsSchema, readItems, readPlan, type ThresholdFile } from '../run/index.ts';
import { estimateCuts, MAX_REGION_ATTEMPT } from './estimate-cuts.ts';
import type { PlanRef, StageContext } from './types.ts';
import { InvariantError } from './errors.ts';

export interface SettleOutput {
  plan: string;
  /** True when threshold.json is written; false when the region was too narrow and budget/estimate.json was widened. */
  settled: boolean;
  passes: number;
}

/**
 * settle: moves the cut over the boundary region by exact counts. Reads every item's budget/counts/<item>.json and
 * writes threshold.json, whose selection holds at most the budget in real tokens and misses it by less than one
 * document. When the region did not hold the cut (the estimates were off by more than the margin), it widens the region
 * instead (budget/estimate.json, next attempt) and returns settled: false, so the count stage runs again (re-using the
 * counts it made) before settle does.
 */
export async function settleBudget(event: PlanRef, ctx: StageContext): Promise<SettleOutput> {
  const run = await readPlan(ctx.store, event.plan);
  const estimate = await ctx.store.readJson(run.uri(artifactKeys.estimate), estimateFileSchema);
  const items = await readItems(ctx.store, run);
  const certain = { docs: 0, tokens: 0 };
  const region: RegionDoc[] = [];
  for (const item of items) {
    const counts = await ctx.store.readJson(run.uri(artifactKeys.counts(item.id)), itemCountsSchema);
    certain.docs += counts.certain.docs;
    certain.tokens += counts.certain.tokens;
    for (const [bin, hash, row, tokens, estimated] of counts.region) region.push({ bin, hash, item: item.id, row, tokens, estimated });
  }
  region.sort(compareRegion);
  const passes = estimate.attempt + 1;
  const cut =
    estimate.margin === 0
      ? { ...estimate.estimate, expected: { docs: certain.docs, tokens: certain.tokens } }
      : cutInRegion(certain, region, estimate.lower, estimate.budget, estimate.upper.boundaryBin < 0);
  // A budget-band's excluded top stays the one the estimate at the budget implied (the lower and upper cuts keep it).
  const exclude = estimate.estimate.exclude;
  const final = cut && exclude ? { ...cut, exclude } : cut;
  if (!final) {
    if (estimate.attempt >= MAX_REGION_ATTEMPT) throw new InvariantError(`settle: the budget's cut is outside the whole candidate list (a bug)`);
    const wider = await estimateCuts(ctx, run, estimate.input, estimate.attempt + 1);
    ctx.log.warn(
      `settle: the exact tokens put the budget's cut outside the boundary region (margin ${estimate.margin}); ` +
        `counting again over a wider one (margin ${wider.margin ?? 'unbounded'})`,
    );
    return { plan: event.plan, settled: false, passes };
  }
  // The estimate-only cut lies between the lower and the upper cut: its exact tokens are known too.
  let estimateOnlyTokens = certain.tokens;
  for (const r of region) if (isSelectedInBin(r.bin, r, estimate.estimate)) estimateOnlyTokens += r.tokens;
  const file: ThresholdFile = {
    policy: estimate.policy,
    budget: estimate.budget,
    corpus: estimate.corpus,
    tokenCount: estimate.tokenCount,
    threshold: final,
    estimateOnly: { threshold: estimate.estimate, tokens: estimate.tokenCount === 'exact' ? estimateOnlyTokens : null },
    passes,
  };
  await ctx.store.writeJson(run.uri(artifactKeys.threshold), file);
  const unit = estimate.budget.unit === 'docs' ? 'documents' : `${estimate.tokenCount === 'exact' ? 'real' : 'estimated'} tokens`;
  ctx.log.info(`settle: the threshold fills ${estimate.budget.unit === 'docs' ? final.expected.docs : final.expected.tokens} of ${estimate.budget.amount} ${unit}`);
  return { plan: event.plan, settled: true, passes };
}

/**
 * Runs the count stage over every item and settle until settle has written threshold.json (the local runner's and
 * `proxysel select`'s loop; the state machine runs the same loop with a Choice state).
 */
export async function countAndSettle(countAll: () => Promise<void>, settle: () => Promise<SettleOutput>): Promise<SettleOutput> {
  for (let pass = 0; pass <= MAX_REGION_ATTEMPT; pass++) {
    await countAll();
    const out = await settle();
    if (out.settled) return out;
  }
  throw new InvariantError(`settle: not settled after ${MAX_REGION_ATTEMPT + 1} passes (a bug: the last pass counts every candidate)`);
}
