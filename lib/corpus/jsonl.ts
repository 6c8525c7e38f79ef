import { type Readable, Transform } from 'node:stream';
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
const GUNZIP_AHEAD = 2 << 20;
/**
 * Compressed bytes per write into gunzip. A file stream gives 64 KiB chunks and a socket less; zlib inflates each
 * write as its own task on the thread pool and ends an output chunk with it, so small writes cost more CPU per byte
 * (16 KiB writes, as from a TLS socket: 1.4x the CPU of 1 MiB writes; docs/performance.md, "Reading path").
 */
const GUNZIP_INPUT = 1 << 20;

/** Groups a byte stream's chunks into chunks of at least `bytes` (the last one may be shorter); holds one at most. */
function coalesce(bytes: number): Transform {
  let parts: Buffer[] = [];
  let size = 0;
  const take = (): Buffer => {
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    return out;
  };
  return new Transform({
    readableHighWaterMark: 1,
    transform(chunk: Buffer, _enc, done) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= bytes) done(null, take());
      else done();
    },
    flush(done) {
      if (size > 0) done(null, take());
      else done();
    },
  });
}

/** Chunks of the uncompressed stream; decompression failures become CorruptShardError naming the shard or file. */
export async function* gunzipChunks(src: Readable, key: string, linesSoFar: () => number): AsyncGenerator<Buffer> {
  // Node passes the high-water marks on to the stream (its types do not list them). The input side holds one write:
  // the compressed bytes waiting are bounded by GUNZIP_INPUT, whatever the compression ratio.
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK, readableHighWaterMark: GUNZIP_AHEAD, writableHighWaterMark: 1 } as ZlibOptions);
  const input = coalesce(GUNZIP_INPUT);
  let sourceError: unknown;
  src.on('error', (e) => {
    sourceError = e;
    gunzip.destroy(e);
  });
  src.pipe(input).pipe(gunzip);
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
    src.unpipe(input);
    input.destroy();
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
  const batches = decompressedDocs(src, item, splitter, batcher);
  try {
    // Not `yield*`: a delegating async generator keeps the inner generator's latest result in its suspended frame while
    // the next batch is read, and that frame is an old-generation object once the item has run a while: a scavenge
    // then finds the batch the consumer has finished with alive, and copies or promotes its documents and texts
    // (docs/performance.md, "The score stage's glue"). Each result is dropped before the next is asked for.
    for (;;) {
      let next: IteratorResult<Doc[]> | undefined = await batches.next();
      if (next.done === true) break;
      yield next.value;
      next = undefined;
    }
  } catch (error) {
    if (!(error instanceof CorruptShardError) || options.onBadShard !== 'skip') throw error;
    // Keep every whole line read before the stream broke, whatever the batch size, so each stage ends at the same document.
    batcher.flush();
    while (batcher.ready.length > 0) yield batcher.ready.shift()!;
    throw error;
  } finally {
    await batches.return(undefined);
    src.destroy();
  }
}

/** The batches of one decompressed stream: gzip, zstd or plain. */
function decompressedDocs(src: Readable, item: WorkItem, splitter: LineSplitter, batcher: DocBatcher): AsyncGenerator<Doc[]> {
  if (item.format === 'jsonl.zst') return zstdDocs(src, item.key, splitter, batcher);
  const chunks: AsyncIterable<Buffer> = item.format === 'jsonl.gz' ? gunzipChunks(src, item.key, () => splitter.lines) : (src as AsyncIterable<Buffer>);
  return chunkDocs(chunks, splitter, batcher);
}

async function* chunkDocs(chunks: AsyncIterable<Buffer>, splitter: LineSplitter, batcher: DocBatcher): AsyncGenerator<Doc[]> {
  for await (const chunk of chunks) {
    splitter.push(chunk);
    while (batcher.ready.length > 0) yield batcher.ready.shift()!;
    if (splitter.done) break;
  }
  splitter.end();
  batcher.flush();
  while (batcher.ready.length > 0) yield batcher.ready.shift()!;
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
