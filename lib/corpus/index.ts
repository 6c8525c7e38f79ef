export type { Doc, ReadOptions, ShardFormat, WorkItem } from './types.ts';
export { BadRecordError, CorruptShardError, JsonlRecordError } from './errors.ts';
export { detectFormat } from './formats.ts';
export { planWorkItems } from './plan-items.ts';
export { readDocs, type ReadDocsOptions } from './read-docs.ts';
export { BadRecordLog, badRecordLogSchema } from './bad-records.ts';
export { writeTextParquet } from './parquet-writer.ts';
export { writeJsonlGz, readJsonlGz, iterateJsonlGz } from './jsonl-gz.ts';
export { LineSplitter } from './lines.ts';
