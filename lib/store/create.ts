import type { Readable } from 'node:stream';
import type { StoreBackend } from './backend.ts';
import type { z } from 'zod';
import { describeZodError } from '../validate/index.ts';
import { StoreJsonError, StoreSchemaError } from './errors.ts';
import { LocalBackend } from './local.ts';
import { S3Backend, createS3Client } from './s3.ts';
import { s3OptionsFromEnv } from './s3-options.ts';
import type { Body, ByteRange, ObjectInfo, ObjectStore, S3Options, WriteOptions } from './types.ts';
import { isS3Uri } from './uri.ts';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Dispatches every call on the URI scheme; builds read/readText/readJson/writeJson/exists on the backends. */
class DispatchingStore implements ObjectStore {
  private readonly local = new LocalBackend();
  private s3Backend: S3Backend | undefined;

  constructor(
    private readonly s3Options: S3Options | undefined,
    private readonly tagsFor: ((uri: string) => Record<string, string> | undefined) | undefined,
  ) {}

  private backend(uri: string): StoreBackend {
    if (!isS3Uri(uri)) return this.local;
    if (!this.s3Backend) {
      const options = this.s3Options ?? s3OptionsFromEnv() ?? {};
      this.s3Backend = new S3Backend(createS3Client(options), options);
    }
    return this.s3Backend;
  }

  list(prefixUri: string): Promise<ObjectInfo[]> {
    return this.backend(prefixUri).list(prefixUri);
  }

  head(uri: string): Promise<ObjectInfo | undefined> {
    return this.backend(uri).head(uri);
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.head(uri)) !== undefined;
  }

  readStream(uri: string, range?: ByteRange): Promise<Readable> {
    return this.backend(uri).readStream(uri, range);
  }

  async read(uri: string, range?: ByteRange): Promise<Buffer> {
    return collect(await this.readStream(uri, range));
  }

  async readText(uri: string): Promise<string> {
    return (await this.read(uri)).toString('utf8');
  }

  readJson(uri: string): Promise<unknown>;
  readJson<S extends z.ZodType>(uri: string, schema: S): Promise<z.output<S>>;
  async readJson(uri: string, schema?: z.ZodType): Promise<unknown> {
    const text = await this.readText(uri);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new StoreJsonError(uri, err);
    }
    if (!schema) return value;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new StoreSchemaError(uri, schema.description ?? 'file', describeZodError(parsed.error));
    return parsed.data;
  }

  write(uri: string, body: Body, options?: WriteOptions): Promise<void> {
    const tags = options?.tags ?? this.tagsFor?.(uri);
    return this.backend(uri).write(uri, body, tags ? { ...options, tags } : options);
  }

  writeJson(uri: string, value: unknown): Promise<void> {
    return this.write(uri, `${JSON.stringify(value, null, 2)}\n`, { contentType: 'application/json' });
  }

  delete(uri: string): Promise<void> {
    return this.backend(uri).delete(uri);
  }

  writeIfAbsent(uri: string, body: string | Buffer): Promise<boolean> {
    return this.backend(uri).writeIfAbsent(uri, body);
  }

  removeTemporaries(prefixUri: string): Promise<string[]> {
    return this.backend(prefixUri).removeTemporaries(prefixUri);
  }
}

/** Options of {@link createStore}. */
export interface CreateStoreOptions {
  s3?: S3Options;
  /** Tags for every write that passes none itself, by URI (for example: mark intermediate artifacts for expiry). */
  tagsFor?: (uri: string) => Record<string, string> | undefined;
}

/**
 * An ObjectStore over local paths, `file://` URLs and `s3://` URIs, choosing the backend per call by the URI's scheme.
 * The S3 client is created on the first `s3://` call, from `opts.s3` or else from the environment (s3OptionsFromEnv).
 */
export function createStore(opts: CreateStoreOptions = {}): ObjectStore {
  return new DispatchingStore(opts.s3, opts.tagsFor);
}
