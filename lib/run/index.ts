export { PlanError } from './errors.ts';
/**
 * A run's files: their keys under the output prefix, the zod schema of each (read back with
 * `store.readJson(uri, schema)`), and the readers of the structured ones (plan, work items, card, scores, sample,
 * labels, dedup removals). Stages, the report and the runners import it; it imports no stage.
 */
export { artifactKeys, intermediatePrefixes, intermediateArtifactTags, INTERMEDIATE_TAG } from './keys.ts';
export {
  canonicalJson,
  outputOfPlan,
  planSchema,
  readItems,
  readPlan,
  sha256,
  specHashOf,
  workItemSchema,
  type Plan,
  type RunFiles,
} from './plan-file.ts';
export { heldOutSchema, proxyCardSchema, readProxyCard, writeProxyCard, type HeldOutPredictions, type ProxyCard } from './card.ts';
export { emptyScoreColumns, encodeScoreFile, readScoreFile, type ScoreColumns, type ScoreRow } from './score-file.ts';
export {
  labelLoss,
  labelRecordSchema,
  labelSmallLoss,
  labelTarget,
  readLabelsFile,
  readSampleFile,
  sampleRecordSchema,
  type LabelRecord,
  type LossUnit,
} from './sample-file.ts';
export { dedupSummaryHash, readDedupSummary, removedRows, type RemovedRows } from './dedup-files.ts';
export * from './schemas.ts';
export { runFileSchemaOf } from './catalog.ts';
export { addExclusions, emptyExclusions, RULE_EXAMPLES, RuleTally } from './rule-totals.ts';
