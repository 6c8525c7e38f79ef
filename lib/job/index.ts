export { InvalidOptionError, JobSpecError, JobSpecFileError } from './errors.ts';
export { CLOUD_DEFAULTS, SPEC_DEFAULTS } from './defaults.ts';
export { parseJobSpec, parseJobSpecText, resolveSpecPaths, specBaseDir } from './load.ts';
export {
  type FiltersSpec,
  type JobSpec,
  jobSpecSchema,
  materializeFormat,
  materializeFormats,
  materializeKeepsFields,
  type OnnxReferenceSpec,
  type OpenAIReferenceSpec,
  policySchema,
  type PolicySpec,
  type ReferenceSpec,
  smallReferenceOf,
} from './spec.ts';
export { resolvedOverlapProblem } from './locations.ts';
export { sandboxFromEnv, sandboxProblems, SANDBOX_ENV } from './sandbox.ts';
export {
  budgetFraction,
  manifestBudget,
  MAX_REGION_ATTEMPT,
  parseBudgetOption,
  planBudget,
  planBudgetSchema,
  type PlanBudget,
  regionMargin,
  resolveBudget,
  resolvedBudgetSchema,
  type ResolvedBudget,
} from './budget.ts';
export type { DedupSpec } from './dedup-spec.ts';
export { ALLOW_LIST_ENV, apiKeyEnvProblem, referenceUrlProblem } from './secrets.ts';
