import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import type { ObjectStore } from '../store/index.ts';
import { DocBatcher, DocumentBuilder } from './documents.ts';
import { CorruptShardError } from './errors.ts';
import type { BatchLimits } from './jsonl.ts';
import type { Doc, ReadOptions, WorkItem } from './types.ts';

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A hyparquet AsyncBuffer over ranged reads of the store. Store failures are remembered so that they pass through
 * unchanged instead of being reported as a broken file.
 */
function storeBuffer(store: ObjectStore, item: WorkItem, storeErrors: Set<unknown>): AsyncBuffer {
  return {
    byteLength: item.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      try {
        const b = await store.read(item.uri, { start, end: end ?? item.size });
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      } catch (e) {
        storeErrors.add(e);
        throw e;
      }
    },
  };
}

/**
 * Reads a parquet shard one row group at a time (only the text and id columns) as batches of documents.
 * `line` is the 1-based record index in the shard; `offset` is -1.
 */
export async function* readParquetDocs(
  store: ObjectStore,
  item: WorkItem,
  options: ReadOptions,
  limits: BatchLimits,
): AsyncGenerator<Doc[]> {
  const builder = new DocumentBuilder(item, options, 'record');
  const batcher = new DocBatcher(limits.batchDocs, limits.batchBytes);
  const storeErrors = new Set<unknown>();
  const file = storeBuffer(store, item, storeErrors);
  const broken = (what: string, e: unknown): unknown =>
    storeErrors.has(e) ? e : new CorruptShardError(item.key, `${what} (${errorMessage(e)})`, { cause: e });

  let metadata: FileMetaData;
  let names: string[];
  try {
    metadata = await parquetMetadataAsync(file);
    names = parquetSchema(metadata).children.map((c) => c.element.name);
  } catch (e) {
    throw broken('not a readable parquet file', e);
  }
  const hasText = names.includes(options.textField);
  if (!hasText) {
    const rows = metadata.row_groups.reduce((a, g) => a + Number(g.num_rows), 0);
    options.onWarning?.(
      `${item.key}: the whole shard has no text field: no column "${options.textField}" (its columns: ${names.join(', ') || 'none'}); ` +
        `its ${rows} record(s) are counted as bad records; set corpus.textField to the column that holds the text`,
    );
  }
  const columns = [options.textField];
  if (options.idField !== undefined && options.idField !== options.textField && names.includes(options.idField)) {
    columns.push(options.idField);
  }
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rowEnd = rowStart + Number(metadata.row_groups[g]!.num_rows);
    if (rowEnd === rowStart) continue;
    let rows: Record<string, unknown>[];
    if (hasText) {
      try {
        rows = await parquetReadObjects({ file, metadata, columns, rowStart, rowEnd });
      } catch (e) {
        throw broken(`row group ${g} is not readable`, e);
      }
    } else {
      rows = Array.from({ length: rowEnd - rowStart }, () => ({}));
    }
    for (let i = 0; i < rows.length; i++) {
      const doc = builder.fromRecord(rows[i], rowStart + i + 1, -1);
      if (doc) batcher.add(doc);
    }
    rows = [];
    while (batcher.ready.length > 0) yield batcher.ready.shift()!;
    rowStart = rowEnd;
  }
  batcher.flush();
  while (batcher.ready.length > 0) yield batcher.ready.shift()!;
}
