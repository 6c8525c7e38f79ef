import type { ObjectStore } from '../store/index.ts';
import { readJsonlDocs } from './jsonl.ts';
import { readParquetDocs } from './parquet.ts';
import type { Doc, ReadOptions, WorkItem } from './types.ts';

/** Default batch limits: about 256 documents or 1 MiB of text, whichever comes first. */
export const DEFAULT_BATCH_DOCS = 256;
export const DEFAULT_BATCH_BYTES = 1024 * 1024;

export interface ReadDocsOptions extends ReadOptions {
  /** Documents per batch at most (default 256). */
  batchDocs?: number;
  /** Text bytes after which a batch is cut (default 1 MiB). */
  batchBytes?: number;
}

/**
 * Streams the documents of one work item in batches, with provenance (item, row, line, offset). Bad records are
 * skipped and reported to `onBad`, or thrown as BadRecordError with `onBadRecord: 'fail'`; an unreadable shard
 * (truncated gzip/zstd, broken parquet) throws CorruptShardError naming the shard.
 */
export function readDocs(store: ObjectStore, item: WorkItem, options: ReadDocsOptions): AsyncGenerator<Doc[]> {
  const limits = {
    batchDocs: Math.max(1, options.batchDocs ?? DEFAULT_BATCH_DOCS),
    batchBytes: Math.max(1, options.batchBytes ?? DEFAULT_BATCH_BYTES),
  };
  if (item.format === 'parquet') return readParquetDocs(store, item, options, limits);
  return readJsonlDocs(store, item, options, limits);
}
