import type { Readable } from 'node:stream';
import type { z } from 'zod';

/** One object (or local file) as listed by a store. */
export interface ObjectInfo {
  /** Full URI: `s3://bucket/key`, `file:///abs/path` or a plain absolute local path, as passed in. */
  uri: string;
  /** Key relative to the listed prefix (always `/`-separated, no leading slash). */
  key: string;
  size: number;
  /** Opaque version tag: S3 ETag (quotes stripped); for local files `<mtimeMs>-<size>` in hex. */
  etag: string;
}

/** Half-open byte range [start, end). `end` may be omitted for "to the end". */
export interface ByteRange {
  start: number;
  end?: number;
}

export type Body = Buffer | Uint8Array | string | Readable;

/** Options of one write. */
export interface WriteOptions {
  contentType?: string;
  /**
   * Object tags (S3 object tagging: at most 10, for lifecycle rules and access policies). Local files have none: the
   * local backend ignores them.
   */
  tags?: Record<string, string>;
}

/**
 * One interface over local paths / `file://` and `s3://`. Every method takes a full URI;
 * the implementation dispatches on the scheme. Keys are never interpreted otherwise.
 */
export interface ObjectStore {
  /** Every object under `prefixUri` (recursive), sorted by key (byte order). Missing prefix -> []. */
  list(prefixUri: string): Promise<ObjectInfo[]>;
  /** Metadata of one object, or undefined if it does not exist. */
  head(uri: string): Promise<ObjectInfo | undefined>;
  exists(uri: string): Promise<boolean>;
  /** Streaming read, optionally of a byte range. Throws StoreNotFoundError naming the URI if missing. */
  readStream(uri: string, range?: ByteRange): Promise<Readable>;
  /** Whole object into memory (small artifacts only). */
  read(uri: string, range?: ByteRange): Promise<Buffer>;
  readText(uri: string): Promise<string>;
  /** Parsed JSON, unchecked: for files of other tools (tokenizer.json...); the run's own files pass their schema. */
  readJson(uri: string): Promise<unknown>;
  /**
   * Parsed JSON checked against `schema` (its `description` names what the file should be). Throws StoreSchemaError
   * naming the URI and every offending field, StoreJsonError when it is not JSON at all.
   */
  readJson<S extends z.ZodType>(uri: string, schema: S): Promise<z.output<S>>;
  /**
   * Write (replace) an object. Local writes are atomic (temporary file in the same folder + rename);
   * S3 writes of streams use multipart upload (@aws-sdk/lib-storage). Parent folders are created.
   */
  write(uri: string, body: Body, options?: WriteOptions): Promise<void>;
  /** JSON with 2-space indent and a trailing newline, keys in insertion order. */
  writeJson(uri: string, value: unknown): Promise<void>;
  delete(uri: string): Promise<void>;
  /**
   * Creates an object only if none exists at `uri`; true when this call created it, false when one was there. Locally
   * an exclusive create (temporary file + `link`, which fails on an existing name: never a half-written object); on S3
   * a PutObject with `If-None-Match: *` (refused with 412 when the key exists), then read back: a server that ignores
   * the condition (s3rver 3.7.1 does) still tells two writers apart, except when both write within one read's time.
   */
  writeIfAbsent(uri: string, body: string | Buffer): Promise<boolean>;
  /**
   * Removes, under `prefixUri`, the temporary files of atomic writes whose process has died (killed mid-write); returns
   * their paths. Objects in S3 appear whole or not at all, so there it removes nothing.
   */
  removeTemporaries(prefixUri: string): Promise<string[]>;
}

/** How to reach S3 or any S3-compatible endpoint (MinIO, s3rver, Ceph, R2...). */
export interface S3Options {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Multipart part size in bytes for streamed writes (default 8 MiB). */
  partSize?: number;
  maxAttempts?: number;
}
