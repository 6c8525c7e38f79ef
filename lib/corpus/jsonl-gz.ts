import { Readable, Transform, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { z } from 'zod';
import type { ObjectStore } from '../store/types.ts';
import { JsonlRecordError } from './errors.ts';
import { gunzipChunks } from './jsonl.ts';
import { LineSplitter } from './lines.ts';
import { formatZodError } from '../validate/index.ts';

/** Serialized lines are grouped into chunks of about this many characters before gzip. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes records as gzip-compressed JSON Lines (level 6, one `JSON.stringify` per line), streaming: the records are
 * never all in memory. The bytes depend only on the records (the gzip header carries no time stamp).
 * Returns the number of records and the compressed size.
 */
export async function writeJsonlGz(
  store: ObjectStore,
  uri: string,
  records: Iterable<unknown> | AsyncIterable<unknown>,
): Promise<{ records: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  async function* text(): AsyncGenerator<string> {
    let chunk = '';
    for await (const record of records as AsyncIterable<unknown>) {
      const line = JSON.stringify(record);
      if (line === undefined) throw new TypeError(`${uri}: record ${count + 1} cannot be written as JSON (${typeof record})`);
      chunk += line + '\n';
      count += 1;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const piped = new Promise<void>((resolve, reject) => {
    pipeline(Readable.from(text()), createGzip({ level: 6 }), counter, (err) => (err ? reject(err) : resolve()));
  });
  const written = store.write(uri, counter, { contentType: 'application/gzip' }).catch((e: unknown) => {
    counter.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  });
  const [produce, write] = await Promise.allSettled([piped, written]);
  // A failure while producing the records (say, a corrupt shard being read) is the cause; report it first.
  if (produce.status === 'rejected') throw produce.reason;
  if (write.status === 'rejected') throw write.reason;
  return { records: count, bytes };
}

/**
 * Streams the records of a gzip-compressed JSON Lines artifact, validating each with `schema`. Errors name the URI,
 * the line and the field path. Blank lines are skipped.
 */
export async function* iterateJsonlGz<T>(store: ObjectStore, uri: string, schema: z.ZodType<T>): AsyncGenerator<T> {
  const src = await store.readStream(uri);
  const pending: T[] = [];
  const splitter = new LineSplitter((line, _offset, lineNo) => {
    if (line.length === 0 || line.toString('utf8').trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      throw new JsonlRecordError(uri, lineNo, 'not valid JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new JsonlRecordError(uri, lineNo, formatZodError(parsed.error));
    pending.push(parsed.data);
  });
  try {
    for await (const chunk of gunzipChunks(src, uri, () => splitter.lines)) {
      splitter.push(chunk);
      while (pending.length > 0) yield pending.shift()!;
    }
    splitter.end();
    while (pending.length > 0) yield pending.shift()!;
  } finally {
    src.destroy();
  }
}

/**
 * The records of a JSON Lines gzip artifact, validated with zod: `await` it for an array, or `for await` over it to
 * stream (bounded memory for large files).
 */
export class JsonlGzRecords<T> implements AsyncIterable<T>, PromiseLike<T[]> {
  constructor(
    private readonly store: ObjectStore,
    private readonly uri: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return iterateJsonlGz(this.store, this.uri, this.schema);
  }

  /** All records in file order. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const r of this) out.push(r);
    return out;
  }

  then<A = T[], B = never>(
    onfulfilled?: ((value: T[]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.toArray().then(onfulfilled, onrejected);
  }
}

/**
 * Reads a gzip-compressed JSON Lines artifact validating every line with `schema`; errors name the URI, line and
 * field. The result is awaitable (`T[]`) and async-iterable (streaming).
 */
export function readJsonlGz<T>(store: ObjectStore, uri: string, schema: z.ZodType<T>): JsonlGzRecords<T> {
  return new JsonlGzRecords(store, uri, schema);
}
