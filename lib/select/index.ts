export { docHash, hashToUnit } from './hash.ts';
export { FLOAT32_MAX, isTrusted, makePolicy, policyOptions, quantileOf, toKey } from './policies.ts';
export { policyKind, policySchema, POLICY_KIND_FLAGS, POLICY_KIND_NAMES, REPORTED_POLICIES, type PolicyKindName, type PolicySpec } from './policy-kinds/index.ts';
export { budgetBandExcess } from './threshold.ts';
export type { FiltersSpec } from './policy-spec.ts';
export { binOf, KEY_BINS, KeyHistogram, keyHistogramSchema } from './histogram.ts';
export { selectedRows } from './selected-rows.ts';
export {
  compareDocOrder,
  compareRegion,
  cutInRegion,
  cutsAround,
  fillBoundary,
  findBoundary,
  isSelected,
  isSelectedInBin,
  planThreshold,
  thresholdSchema,
  type RegionDoc,
} from './threshold.ts';
export { HistogramError, NonFiniteScoreError, PolicyConfigError, ThresholdError } from './errors.ts';
export type { BoundaryCandidate, Budget, DocOrder, PolicyDoc, SelectionContext, Threshold } from './types.ts';
