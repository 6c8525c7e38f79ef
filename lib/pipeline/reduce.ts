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
  const corpusAmount = file.budget.unit === 'docs' ? file.corpus.docs : file.corpus.tokens;
  if (file.budget.amount > corpusAmount) {
    ctx.log.warn(
      `the budget (${file.budget.amount} ${unit}) is more than the whole corpus holds (${corpusAmount} ${unit}` +
        `${file.budget.unit === 'docs' ? '' : ', estimated'}): the selection can hold at most the corpus, and under-fills the budget`,
    );
  }
  return { plan: input.plan, estimate: { ...file.estimate.expected, margin: file.margin } };
}
