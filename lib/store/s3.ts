import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, Readable, Transform } from 'node:stream';
import { checkRange, sortByKey, type StoreBackend } from './backend.ts';
import { StoreError, StoreNotFoundError } from './errors.ts';
import type { Body, ByteRange, ObjectInfo, S3Options, WriteOptions } from './types.ts';
import { joinUri, parseUri } from './uri.ts';

/**
 * Default multipart part size for streamed writes: an object smaller than this goes up in one PutObject, a larger one
 * as CreateMultipartUpload + one UploadPart per part + CompleteMultipartUpload. 16 MiB keeps a work item's streamed
 * score and dedup files (about 12 and 10 MB for 268 MB of stored shard) one request each.
 */
export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
/** Parts uploaded in parallel by one streamed write. */
const QUEUE_SIZE = 4;
const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * An S3 client for AWS or any S3-compatible endpoint. Checksums only when required (s3rver and several
 * S3-compatible servers mis-store aws-chunked bodies otherwise); adaptive retries for 503 SlowDown.
 */
export function createS3Client(options: S3Options = {}): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? (options.endpoint ? 'us-east-1' : undefined),
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

function s3Location(uri: string): { bucket: string; key: string } {
  const parsed = parseUri(uri);
  if (parsed.scheme !== 's3') throw new StoreError(`${uri}: not an s3:// URI`);
  return parsed;
}

function objectKey(uri: string): { bucket: string; key: string } {
  const loc = s3Location(uri);
  if (loc.key === '') throw new StoreError(`${uri}: no object key after the bucket name`);
  return loc;
}

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function status(err: unknown): number | undefined {
  return (err as SdkError | undefined)?.$metadata?.httpStatusCode;
}

function errName(err: unknown): string | undefined {
  const e = err as SdkError | undefined;
  return e?.name ?? e?.Code;
}

function isNotFound(err: unknown): boolean {
  const name = errName(err);
  return name === 'NoSuchKey' || name === 'NotFound' || (status(err) === 404 && name !== 'NoSuchBucket');
}

/** Network failures by their system error code, in words. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset (the server went away mid-request)',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed by the server',
};

/** The network failure under an SDK or stream error (its code or its causes'), in words, or undefined. */
function networkFailure(err: unknown): string | undefined {
  for (let e = err as { code?: string; cause?: unknown; message?: string } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = e.code ?? /\b(E[A-Z_]{4,})\b/.exec(e.message ?? '')?.[1];
    if (code && NETWORK_ERRORS[code]) return `${NETWORK_ERRORS[code]} (${code})`;
    if (e.message === 'aborted') return NETWORK_ERRORS.ECONNRESET + ' (aborted)';
  }
  return undefined;
}

/** The endpoint as messages name it. */
function endpointName(endpoint: string | undefined): string {
  return endpoint ?? 'AWS S3 (the default endpoint)';
}

function wrap(uri: string, op: string, err: unknown, endpoint?: string): StoreError {
  const network = networkFailure(err);
  if (network) return new StoreError(`${uri}: ${op} failed: cannot reach the S3 endpoint ${endpointName(endpoint)}: ${network}`, { cause: err });
  const name = errName(err);
  const message = (err as SdkError | undefined)?.message ?? String(err);
  if (name === 'NoSuchBucket') return new StoreError(`${uri}: ${op} failed: the bucket does not exist`, { cause: err });
  return new StoreError(`${uri}: ${op} failed: ${name ? `${name}: ` : ''}${message}`, { cause: err });
}

function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * The body of a GetObject with its stream errors named: a connection cut mid-read (the endpoint stopped) surfaces as
 * a bare `aborted` otherwise, naming neither the object nor the endpoint.
 */
function guardBody(body: Readable, uri: string, endpoint: string | undefined): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  body.on('error', (err: Error) => {
    const network = networkFailure(err);
    const why = network ? `lost the S3 endpoint ${endpointName(endpoint)}: ${network}` : err.message;
    out.destroy(new StoreError(`${uri}: reading the object failed: ${why}`, { cause: err }));
  });
  out.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return body.pipe(out);
}

/** Passes on `limit` bytes after skipping `skip` bytes, then ends. */
function sliceBytes(skip: number, limit: number): Transform {
  let toSkip = Math.max(0, skip);
  let left = limit;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      let part = chunk;
      if (toSkip > 0) {
        const n = Math.min(toSkip, part.length);
        part = part.subarray(n);
        toSkip -= n;
      }
      if (left > 0 && part.length > 0) {
        const out = part.length > left ? part.subarray(0, left) : part;
        left -= out.length;
        this.push(out);
      }
      done();
    },
  });
}

/** S3 backend. Listing treats the prefix as a folder; streamed writes go through multipart upload. */
export class S3Backend implements StoreBackend {
  constructor(
    private readonly client: S3Client,
    private readonly options: S3Options = {},
    /** Keys per ListObjectsV2 page (S3's default and maximum is 1000); smaller only to exercise paging. */
    private readonly listPageSize?: number,
  ) {}

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const { bucket, key } = s3Location(prefixUri);
    const folder = key === '' || key.endsWith('/') ? key : `${key}/`;
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: folder || undefined, ContinuationToken: token, MaxKeys: this.listPageSize }),
        );
      } catch (err) {
        throw wrap(prefixUri, 'ListObjectsV2', err, this.options.endpoint);
      }
      for (const obj of page.Contents ?? []) {
        if (!obj.Key || !obj.Key.startsWith(folder)) continue;
        const rel = obj.Key.slice(folder.length);
        if (rel === '' || rel.endsWith('/')) continue; // folder markers are not objects
        out.push({ uri: joinUri(prefixUri, rel), key: rel, size: obj.Size ?? 0, etag: stripQuotes(obj.ETag) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (out.length === 0 && key !== '' && !key.endsWith('/')) {
      // A single object given as the prefix lists as itself (like a local file).
      const one = await this.head(prefixUri);
      if (one) return [one];
    }
    return sortByKey(out);
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const { bucket, key } = objectKey(uri);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { uri, key: lastSegment(key), size: res.ContentLength ?? 0, etag: stripQuotes(res.ETag) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrap(uri, 'HeadObject', err, this.options.endpoint);
    }
  }

  async readStream(uri: string, range?: ByteRange): Promise<Readable> {
    checkRange(uri, range);
    const { bucket, key } = objectKey(uri);
    if (range && range.end !== undefined && range.end <= range.start) {
      if (!(await this.head(uri))) throw new StoreNotFoundError(uri);
      return Readable.from([]);
    }
    const header = range && (range.start > 0 || range.end !== undefined) ? `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}` : undefined;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: header }));
      if (!res.Body) return Readable.from([]);
      const body = guardBody(res.Body as Readable, uri, this.options.endpoint);
      if (!header || !range) return body;
      // Some S3-compatible servers ignore the Range header or mis-serve `bytes=0-0` (s3rver returns the whole object):
      // cut the answer down to the asked range when it is longer than asked for.
      const served = /^bytes (\d+)-/.exec(res.ContentRange ?? '');
      const servedStart = served ? Number(served[1]) : 0;
      const skip = range.start - servedStart;
      const want = range.end === undefined ? Infinity : range.end - range.start;
      if (skip === 0 && (res.ContentLength === undefined || res.ContentLength <= want)) return body;
      return body.pipe(sliceBytes(skip, want));
    } catch (err) {
      if (isNotFound(err)) throw new StoreNotFoundError(uri, { cause: err });
      if (status(err) === 416 || errName(err) === 'InvalidRange') return Readable.from([]); // start at or past the end
      throw wrap(uri, 'GetObject', err, this.options.endpoint);
    }
  }

  async write(uri: string, body: Body, options: WriteOptions = {}): Promise<void> {
    const { bucket, key } = objectKey(uri);
    const tags = Object.entries(options.tags ?? {});
    try {
      if (body instanceof Readable) {
        const upload = new Upload({
          client: this.client,
          params: { Bucket: bucket, Key: key, Body: body, ContentType: options.contentType },
          ...(tags.length > 0 ? { tags: tags.map(([Key, Value]) => ({ Key, Value })) } : {}),
          partSize: this.options.partSize ?? DEFAULT_PART_SIZE,
          queueSize: QUEUE_SIZE,
          leavePartsOnError: false,
        });
        await upload.done();
      } else {
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        await this.client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: bytes,
            ContentLength: bytes.byteLength,
            ContentType: options.contentType,
            ...(tags.length > 0 ? { Tagging: new URLSearchParams(tags).toString() } : {}),
          }),
        );
      }
    } catch (err) {
      if (body instanceof Readable && !body.destroyed) body.destroy();
      throw wrap(uri, body instanceof Readable ? 'multipart upload' : 'PutObject', err, this.options.endpoint);
    }
  }

  /** A PutObject or a completed multipart upload appears whole or not at all: no temporaries to remove. */
  async removeTemporaries(): Promise<string[]> {
    return [];
  }

  async writeIfAbsent(uri: string, body: string | Buffer): Promise<boolean> {
    const { bucket, key } = objectKey(uri);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    // Looked at first: a server that ignores If-None-Match must not let this write replace a live object.
    if (await this.head(uri)) return false;
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.byteLength, IfNoneMatch: '*' }),
      );
    } catch (err) {
      // 412: the key exists (S3 honours If-None-Match); 409: a concurrent conditional write to it is in flight.
      if (status(err) === 412 || status(err) === 409 || errName(err) === 'PreconditionFailed') return false;
      throw wrap(uri, 'PutObject (If-None-Match)', err, this.options.endpoint);
    }
    // Read back: where the server ignored the condition, a later writer's bytes replace ours, and we lost.
    const stored = await this.readStream(uri).then(async (s) => {
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    }).catch(() => undefined);
    return stored !== undefined && stored.equals(bytes);
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = objectKey(uri);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw wrap(uri, 'DeleteObject', err, this.options.endpoint);
    }
  }
}
