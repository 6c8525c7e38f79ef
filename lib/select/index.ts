export { docHash, hashToUnit } from './hash.ts';
export { FLOAT32_MAX, isTrusted, makePolicy, passesFilters, policyOptions, quantileOf, toKey } from './policies.ts';
export { binOf, KEY_BINS, KeyHistogram, keyHistogramSchema } from './histogram.ts';
export { selectedRows, type ScoredDoc } from './selected-rows.ts';
export { compareDocOrder, fillBoundary, fillExclusion, findBoundary, findExclusion, isExcluded, isSelected, isSelectedInBin, planThreshold, skippedRows, thresholdSchema } from './threshold.ts';
export { HistogramError, NonFiniteScoreError, PolicyConfigError, ThresholdError } from './errors.ts';
export type {
  BinTotals,
  Boundary,
  BoundaryCandidate,
  Budget,
  DocOrder,
  Exclusion,
  ExclusionBoundary,
  KeyHistogramJSON,
  Policy,
  PolicyDoc,
  ExclusionReason,
  SelectionContext,
  PolicyOptions,
  Threshold,
} from './types.ts';
