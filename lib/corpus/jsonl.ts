import type { Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { ObjectStore } from '../store/index.ts';
import { DocBatcher, DocumentBuilder } from './documents.ts';
import { BadRecordError, CorruptShardError } from './errors.ts';
import { LineSplitter } from './lines.ts';
import type { Doc, ReadOptions, WorkItem } from './types.ts';

/** Batch limits for readers. */
export interface BatchLimits {
  batchDocs: number;
  batchBytes: number;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Output chunk of the gunzip stream, and how far it may decompress ahead of the consumer: zlib runs on libuv's thread
 * pool, so while the reader's consumer (featurizer, onnxruntime) works on one batch the next megabytes are inflated in
 * parallel; large chunks also mean fewer stream callbacks and line-carry copies per byte.
 */
const GUNZIP_CHUNK = 1 << 18;
const GUNZIP_AHEAD = 4 << 20;

/** Chunks of the uncompressed stream; decompression failures become CorruptShardError naming the shard or file. */
export async function* gunzipChunks(src: Readable, key: string, linesSoFar: () => number): AsyncGenerator<Buffer> {
  // Node passes highWaterMark on to the stream (its types do not list it).
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK, highWaterMark: GUNZIP_AHEAD } as ZlibOptions);
  let sourceError: unknown;
  src.on('error', (e) => {
    sourceError = e;
    gunzip.destroy(e);
  });
  src.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    if (e === sourceError) throw e;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new CorruptShardError(key, `corrupt or truncated gzip stream (${errorMessage(e)}) after ${linesSoFar()} lines`, { cause: e });
    }
    throw e;
  } finally {
    src.unpipe(gunzip);
    gunzip.destroy();
  }
}

/**
 * Reads one JSONL work item (plain, gzip or zstd; whole shard or byte range) as batches of documents.
 * Streaming: memory is bounded by the batch size and the longest line, whatever the shard size.
 */
export async function* readJsonlDocs(
  store: ObjectStore,
  item: WorkItem,
  options: ReadOptions,
  limits: BatchLimits,
): AsyncGenerator<Doc[]> {
  const builder = new DocumentBuilder(item, options, 'line');
  const batcher = new DocBatcher(limits.batchDocs, limits.batchBytes);
  const range = item.range;
  if (range && item.format !== 'jsonl') {
    throw new RangeError(`${item.key}: byte-range work items are only possible for uncompressed .jsonl shards (item ${item.id})`);
  }
  // A range that does not start the file begins with the tail of a line owned by the range before: read from one byte
  // early and drop everything up to the first newline, so a line starting exactly at `start` is kept.
  const discardFirst = range !== undefined && range.start > 0;
  const readFrom = discardFirst ? range.start - 1 : 0;
  const splitter = new LineSplitter(
    (line, offset, lineNo) => {
      const doc = builder.fromLine(line, offset, lineNo);
      if (doc) batcher.add(doc);
    },
    { startOffset: readFrom, discardFirst, stopAt: range?.end, countLines: !range },
  );
  const src = await store.readStream(item.uri, discardFirst ? { start: readFrom } : undefined);
  try {
    if (item.format === 'jsonl.zst') {
      yield* zstdDocs(src, item.key, splitter, batcher);
      return;
    }
    const chunks: AsyncIterable<Buffer> =
      item.format === 'jsonl.gz' ? gunzipChunks(src, item.key, () => splitter.lines) : (src as AsyncIterable<Buffer>);
    for await (const chunk of chunks) {
      splitter.push(chunk);
      while (batcher.ready.length > 0) yield batcher.ready.shift()!;
      if (splitter.done) break;
    }
    splitter.end();
    batcher.flush();
    while (batcher.ready.length > 0) yield batcher.ready.shift()!;
  } finally {
    src.destroy();
  }
}

async function* zstdDocs(src: Readable, key: string, splitter: LineSplitter, batcher: DocBatcher): AsyncGenerator<Doc[]> {
  let callbackError: unknown;
  const zstd = new Decompress((data) => {
    try {
      splitter.push(data);
    } catch (e) {
      callbackError = e;
      throw e;
    }
  });
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      zstd.push(chunk, final);
    } catch (e) {
      if (e === callbackError || e instanceof BadRecordError) throw e;
      throw new CorruptShardError(key, `corrupt or truncated zstd stream (${errorMessage(e)}) after ${splitter.lines} lines`, { cause: e });
    }
  };
  for await (const chunk of src as AsyncIterable<Buffer>) {
    // fzstd may keep references to the input: give it a private copy.
    push(new Uint8Array(chunk), false);
    while (batcher.ready.length > 0) yield batcher.ready.shift()!;
    if (splitter.done) break;
  }
  if (!splitter.done) push(new Uint8Array(0), true);
  splitter.end();
  batcher.flush();
  while (batcher.ready.length > 0) yield batcher.ready.shift()!;
}
