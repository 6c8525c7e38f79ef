import { z } from 'zod';
import { manifestSchema } from '../manifest/index.ts';
import { heldOutSchema, proxyCardSchema } from './card.ts';
import { planSchema, workItemSchema } from './plan-file.ts';
import {
  contentCacheSchema,
  countedTokensSchema,
  dedupGroupListSchema,
  dedupMergeListSchema,
  dedupPartitionListSchema,
  dedupSummarySchema,
  estimateFileSchema,
  failureRecordSchema,
  itemCountsSchema,
  itemHistogramFileSchema,
  referenceStatsSchema,
  removedFileSchema,
  runFileSchema,
  runLockSchema,
  sampleStatsSchema,
  selectedRowListSchema,
  selectedStatsSchema,
  thresholdFileSchema,
  unitMarkerSchema,
} from './schemas.ts';

const ID = '[A-Za-z0-9._-]+';

/** Every JSON file of a run by key pattern (relative to the output prefix), first match wins. */
const JSON_FILES: readonly [RegExp, z.ZodType][] = [
  [/^plan\.json$/, planSchema],
  [/^plan\/content\.json$/, contentCacheSchema],
  [/^_LOCK$/, runLockSchema],
  [/^plan\/items\.json$/, z.array(workItemSchema).describe('work item list')],
  [/^plan\/dedup-partitions\.json$/, dedupPartitionListSchema],
  [/^plan\/dedup-groups\.json$/, dedupGroupListSchema],
  [/^plan\/dedup-merges\.json$/, dedupMergeListSchema],
  [new RegExp(`^plan/done/${ID}/${ID}\\.json$`), unitMarkerSchema],
  [/^sample\/stats\.json$/, sampleStatsSchema],
  [/^reference\/stats\.json$/, referenceStatsSchema],
  [/^proxy\/card\.json$/, proxyCardSchema],
  [/^proxy\/held-out\.json$/, heldOutSchema],
  [new RegExp(`^scores/${ID}\\.hist\\.json$`), itemHistogramFileSchema],
  [new RegExp(`^dedup/removed/${ID}\\.json$`), removedFileSchema],
  [/^dedup\/summary\.json$/, dedupSummarySchema],
  [/^budget\/estimate\.json$/, estimateFileSchema],
  [new RegExp(`^budget/counts/${ID}\\.tokens\\.json$`), countedTokensSchema],
  [new RegExp(`^budget/counts/${ID}\\.json$`), itemCountsSchema],
  [/^threshold\.json$/, thresholdFileSchema],
  [new RegExp(`^selected/${ID}\\.rows\\.json$`), selectedRowListSchema],
  [new RegExp(`^selected/${ID}\\.json$`), selectedStatsSchema],
  [/^manifest\.json$/, manifestSchema],
  [/^run\.json$/, runFileSchema],
  [/^_FAILED$/, failureRecordSchema],
];

/** The schema of the run's JSON file at `key` (relative to the output prefix), or undefined when it is no JSON file of a run. */
export function runFileSchemaOf(key: string): z.ZodType | undefined {
  return JSON_FILES.find(([pattern]) => pattern.test(key))?.[1];
}
