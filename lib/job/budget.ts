/**
 * The budget from spec to manifest, its shapes and every conversion between them: the spec's `budget` (spec.ts), what
 * the plan resolves (`PlanBudget`, `planBudget`: all but a fraction, which needs corpus tokens), what reduce resolves
 * once corpus tokens are known (`ResolvedBudget`, `resolveBudget`: the amount in its unit beside what was asked for;
 * lib/select's threshold search takes its unit and amount, select's `Budget`), and the manifest's `budget` section
 * (`manifestBudget`). Also the share of the corpus it is (fidelity at the budget's share), how wide the boundary
 * region of the exact count is (`regionMargin`), and `proxysel select --budget`'s option.
 */
import { z } from 'zod';
import { formatZodError } from '../validate/index.ts';
import { InvalidOptionError } from './errors.ts';
import { budgetSchema, type BudgetSpec } from './spec.ts';

/** The budget as the plan resolved it; `fraction` becomes tokens at reduce, once corpus tokens are known. */
export const planBudgetSchema = z.discriminatedUnion('form', [
  z.object({ form: z.literal('tokens'), unit: z.literal('tokens'), amount: z.number() }),
  z.object({ form: z.literal('docs'), unit: z.literal('docs'), amount: z.number() }),
  z.object({ form: z.literal('flops'), unit: z.literal('tokens'), amount: z.number(), flops: z.number(), modelParams: z.number() }),
  z.object({ form: z.literal('fraction'), unit: z.literal('tokens'), fraction: z.number() }),
]);
export type PlanBudget = z.infer<typeof planBudgetSchema>;

/** Resolves the budget as far as the plan can: everything but `fraction`, which needs corpus tokens. */
export function planBudget(budget: BudgetSpec): PlanBudget {
  if ('tokens' in budget) return { form: 'tokens', unit: 'tokens', amount: budget.tokens };
  if ('docs' in budget) return { form: 'docs', unit: 'docs', amount: budget.docs };
  if ('flops' in budget) {
    // Chinchilla: training compute C = 6 N D, so D = C / (6 N) tokens.
    return { form: 'flops', unit: 'tokens', amount: Math.floor(budget.flops / (6 * budget.modelParams)), flops: budget.flops, modelParams: budget.modelParams };
  }
  return { form: 'fraction', unit: 'tokens', fraction: budget.fraction };
}

/**
 * The budget as asked for (form, and its fraction or flops where given) and resolved to an amount in its unit, as run
 * files record it (budget/estimate.json, threshold.json). Its unit and amount are what lib/select's threshold search
 * takes (`Budget`).
 */
export const resolvedBudgetSchema = z.object({
  form: z.enum(['tokens', 'docs', 'flops', 'fraction']),
  unit: z.enum(['tokens', 'docs']),
  amount: z.number(),
  fraction: z.number().optional(),
  flops: z.number().optional(),
  modelParams: z.number().optional(),
});
export type ResolvedBudget = z.infer<typeof resolvedBudgetSchema>;

/** The budget in its unit, now that the corpus's tokens are known, with what the spec asked for beside it. */
export function resolveBudget(budget: PlanBudget, corpusTokens: number): ResolvedBudget {
  if (budget.form === 'fraction') return { form: 'fraction', unit: 'tokens', amount: Math.round(budget.fraction * corpusTokens), fraction: budget.fraction };
  if (budget.form === 'flops') return { form: 'flops', unit: 'tokens', amount: budget.amount, flops: budget.flops, modelParams: budget.modelParams };
  return { form: budget.form, unit: budget.unit, amount: budget.amount };
}

/** The manifest's `budget` section: the resolved budget as tokens or documents (the other null), and what was asked for. */
export function manifestBudget(budget: ResolvedBudget) {
  return {
    form: budget.form,
    unit: budget.unit,
    tokens: budget.unit === 'tokens' ? budget.amount : null,
    docs: budget.unit === 'docs' ? budget.amount : null,
    ...(budget.fraction !== undefined ? { fraction: budget.fraction } : {}),
    ...(budget.flops !== undefined ? { flops: budget.flops, modelParams: budget.modelParams } : {}),
  };
}

/** The budget as a share of the corpus's tokens, for top-k agreement at the budget's k. */
export function budgetFraction(budget: PlanBudget, corpusTokens: number, corpusDocs: number): number {
  if (budget.form === 'fraction') return budget.fraction;
  if (budget.unit === 'docs') return Math.min(1, budget.amount / Math.max(1, corpusDocs));
  return Math.min(1, budget.amount / Math.max(1, corpusTokens));
}

/** Passes after which the boundary region is the whole candidate list (so settle always settles there). */
export const MAX_REGION_ATTEMPT = 3;

/**
 * Share of the budget on either side of the estimated cut that the count stage counts exactly: three times the token
 * model's largest held-out total error (over all held-out documents and each policy's would-be selection), at least
 * 2%, at most 25%; four times wider on each further pass, unbounded at the last.
 */
export function regionMargin(card: { tokens: { heldOut: { totalRelError: number }; byPolicy: readonly { totalRelError: number }[] } }, attempt: number): number {
  if (attempt >= MAX_REGION_ATTEMPT) return Infinity;
  const errors = [card.tokens.heldOut, ...card.tokens.byPolicy].map((e) => Math.abs(e.totalRelError));
  const base = Math.min(0.25, Math.max(0.02, 3 * Math.max(0, ...errors)));
  return base * 4 ** attempt;
}

/** `tokens=N`, `fraction=F`, `docs=N` -> a plan budget, checked like the spec's `budget` (whole tokens and docs). */
export function parseBudgetOption(text: string): PlanBudget {
  const m = /^(tokens|fraction|docs)=(.+)$/.exec(text.trim());
  if (!m) throw new InvalidOptionError(`--budget "${text}": expected tokens=N, fraction=F (0 < F <= 1) or docs=N`);
  const value = m[2]!.trim() === '' ? Number.NaN : Number(m[2]);
  const parsed = budgetSchema.safeParse({ [m[1]!]: value });
  if (!parsed.success) throw new InvalidOptionError(`--budget "${text}": ${formatZodError(parsed.error)}`);
  return planBudget(parsed.data);
}
