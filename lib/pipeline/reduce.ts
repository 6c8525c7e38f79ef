import { readPlan } from '../run/index.ts';
import type { ReduceInput, StageContext } from './types.ts';
import { estimateCuts } from './estimate-cuts.ts';

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
