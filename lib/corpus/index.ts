export type { BadRecord, BadRecordReason, Doc, OnBadRecord, ReadOptions, ShardFormat, WorkItem } from './types.ts';
export { BadRecordError, CorruptShardError, JsonlRecordError } from './errors.ts';
export { detectFormat } from './formats.ts';
export { planWorkItems, type PlanWorkItemsOptions } from './plan-items.ts';
export { readDocs, DEFAULT_BATCH_BYTES, DEFAULT_BATCH_DOCS, type ReadDocsOptions } from './read-docs.ts';
export { BadRecordLog, BAD_RECORD_EXAMPLES, badRecordLogSchema, type BadRecordLogJSON } from './bad-records.ts';
export { writeTextParquet, type TextRecord } from './parquet-writer.ts';
export { writeJsonlGz, readJsonlGz, iterateJsonlGz, JsonlGzRecords } from './jsonl-gz.ts';
export { LineSplitter, type LineHandler, type LineSplitterOptions } from './lines.ts';
