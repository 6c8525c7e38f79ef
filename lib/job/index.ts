export { InvalidOptionError, JobSpecError } from './errors.ts';
export { parseJobSpec, parseJobSpecText, resolveSpecPaths, specBaseDir } from './load.ts';
export * from './spec.ts';
export { budgetFraction, MAX_REGION_ATTEMPT, parseBudgetOption, planBudget, planBudgetSchema, regionMargin, resolveBudget, type PlanBudget } from './budget.ts';
