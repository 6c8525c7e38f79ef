import type { ObjectStore } from '../store/index.ts';
import { CorruptShardError } from './errors.ts';
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
 * (truncated gzip/zstd, broken parquet) throws CorruptShardError naming the shard, or with `onBadShard: 'skip'` ends
 * the item where the shard stops being readable (the documents before stay; a stream cut at the same byte ends at the
 * same document in every stage) and reports an `unreadable-shard` bad record to `onBad`.
 */
export function readDocs(store: ObjectStore, item: WorkItem, options: ReadDocsOptions): AsyncGenerator<Doc[]> {
  const limits = {
    batchDocs: Math.max(1, options.batchDocs ?? DEFAULT_BATCH_DOCS),
    batchBytes: Math.max(1, options.batchBytes ?? DEFAULT_BATCH_BYTES),
  };
  const docs = item.format === 'parquet' ? readParquetDocs(store, item, options, limits) : readJsonlDocs(store, item, options, limits);
  return options.onBadShard === 'skip' ? endAtUnreadable(docs, item, options) : docs;
}

async function* endAtUnreadable(docs: AsyncGenerator<Doc[]>, item: WorkItem, options: ReadOptions): AsyncGenerator<Doc[]> {
  try {
    // Not `yield*`, which keeps the latest batch reachable while the next is read (lib/corpus/jsonl.ts, readJsonlDocs).
    for (;;) {
      let next: IteratorResult<Doc[]> | undefined = await docs.next();
      if (next.done === true) break;
      yield next.value;
      next = undefined;
    }
  } catch (error) {
    if (!(error instanceof CorruptShardError)) throw error;
    const message = `${error.message}: the rest of the shard is skipped (corpus.onBadShard "skip")`;
    options.onBad?.({ file: item.key, line: -1, offset: -1, reason: 'unreadable-shard', message });
  } finally {
    await docs.return(undefined);
  }
}
