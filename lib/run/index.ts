export { BUSY_EXIT_CODE, PlanError, RUN_LOCK_BUSY, RunLockBusyError } from './errors.ts';
export { acquireRunLock, describeHolder, executionHolder, lockHolder, releaseExecutionLock, type RunLock } from './run-lock.ts';
export { beginRun, markSuccess } from './run-state.ts';
/**
 * A run's files: their keys under the output prefix, the zod schema of each (read back with
 * `store.readJson(uri, schema)`), and the readers of the structured ones (plan, work items, card, scores, sample,
 * labels, dedup removals), and who may write them: the run lock (`_LOCK`) and the run's state (`_SUCCESS`, cleared when
 * a run starts). Stages, the report and the runners import it; it imports no stage.
 */
export { artifactKeys, intermediatePrefixes, intermediateArtifactTags, INTERMEDIATE_TAG } from './keys.ts';
export {
  canonicalJson,
  readItems,
  readPlan,
  sha256,
  specHashOf,
  workItemSchema,
  type Plan,
  type RunFiles,
} from './plan-file.ts';
export { heldOutSchema, readProxyCard, writeProxyCard, type HeldOutPredictions, type ProxyCard } from './card.ts';
export { readScoreFile, readScoreIds, ScoreFileWriter, type ScoreRow } from './score-file.ts';
export { labelTarget, readLabelsFile, readSampleFile, sampleRecordSchema, type LabelRecord } from './sample-file.ts';
export { dedupSummaryHash, readDedupSummary, removedRows } from './dedup-files.ts';
export {
  type ContentCache,
  contentCacheSchema,
  type CorpusTotals,
  type CountedTokens,
  countedTokensSchema,
  type DedupSummary,
  type EstimateFile,
  estimateFileSchema,
  type Exclusions,
  type FailureRecord,
  type ItemCounts,
  itemCountsSchema,
  type ItemHistogramFile,
  itemHistogramFileSchema,
  type OutputDigest,
  type ReferenceStats,
  referenceStatsSchema,
  type RemovedFile,
  type RunFile,
  runFileSchema,
  type RunLockOwner,
  runLockSchema,
  type SampleItemOutput,
  sampleItemOutputSchema,
  type SampleStats,
  sampleStatsSchema,
  selectedStatsSchema,
  type SelectItemOutput,
  type StageTiming,
  type ThresholdFile,
  thresholdFileSchema,
  type UnitMarker,
  unitMarkerSchema,
} from './schemas.ts';
export { runFileSchemaOf } from './catalog.ts';
export { addExclusions, emptyExclusions, RuleTally } from './rule-totals.ts';
