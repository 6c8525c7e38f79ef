import type { Readable } from 'node:stream';
import type { Body, ByteRange, ObjectInfo, WriteOptions } from './types.ts';
import { StoreError } from './errors.ts';

/** The primitives one storage backend implements; createStore() builds the rest of ObjectStore on top. */
export interface StoreBackend {
  list(prefixUri: string): Promise<ObjectInfo[]>;
  head(uri: string): Promise<ObjectInfo | undefined>;
  readStream(uri: string, range?: ByteRange): Promise<Readable>;
  write(uri: string, body: Body, options?: WriteOptions): Promise<void>;
  delete(uri: string): Promise<void>;
  writeIfAbsent(uri: string, body: string | Buffer): Promise<boolean>;
  removeTemporaries(prefixUri: string): Promise<string[]>;
}

/** Sorts objects by key in byte (UTF-8) order, in place. */
export function sortByKey(objects: ObjectInfo[]): ObjectInfo[] {
  return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

/** Checks a byte range: integer start >= 0, end >= start. */
export function checkRange(uri: string, range: ByteRange | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new StoreError(`${uri}: bad range start ${start}`);
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new StoreError(`${uri}: bad range end ${end} (start ${start})`);
  }
}
