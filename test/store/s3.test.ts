import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Backend } from '../../lib/store/s3.ts';
import { createS3Client, createStore, s3OptionsFromEnv, StoreError } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.ts';
import { describeStoreContract, failingStream, seededStream, sha256Of } from './contract.ts';

let server: RunningS3rver;
let store: ObjectStore;
beforeAll(async () => {
  server = await startS3rver(['store-test', 'other']);
  // 5 MiB parts (the S3 minimum) so the >10 MB contract write goes multipart.
  store = createStore({ s3: { ...server.s3, partSize: 5 * 1024 * 1024 } });
});
afterAll(async () => {
  await server?.close();
});

describeStoreContract('s3 (s3rver)', () => ({ store, base: 's3://store-test/contract' }));

/** Counts the S3 commands a client sends (a real client against the real server, observed via its middleware). */
function countCommands(client: S3Client): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return counts;
}

describe('s3 store', () => {
  it('uploads a >10 MB stream in 5 MiB parts and reads it back byte-identical', async () => {
    const options = { ...server.s3, partSize: 5 * 1024 * 1024 };
    const client = createS3Client(options);
    const counts = countCommands(client);
    const backend = new S3Backend(client, options);
    const size = 11 * 1024 * 1024 + 7;
    await backend.write('s3://store-test/multipart/big.bin', seededStream(size, 11));
    expect(counts.get('CreateMultipartUploadCommand')).toBe(1);
    expect(counts.get('UploadPartCommand')).toBe(3);
    expect(counts.get('CompleteMultipartUploadCommand')).toBe(1);
    expect(counts.get('PutObjectCommand')).toBeUndefined();
    expect((await backend.head('s3://store-test/multipart/big.bin'))!.size).toBe(size);
    expect(await sha256Of(await backend.readStream('s3://store-test/multipart/big.bin'))).toBe(await sha256Of(seededStream(size, 11)));
    client.destroy();
  });

  it('sends ranged reads as one Range request and buffers/strings as one PutObject', async () => {
    const client = createS3Client(server.s3);
    const counts = countCommands(client);
    const backend = new S3Backend(client, server.s3);
    await backend.write('s3://store-test/put/x.txt', 'hello world');
    await backend.write('s3://store-test/put/y.bin', Buffer.from('abc'));
    expect(counts.get('PutObjectCommand')).toBe(2);
    const part = await backend.readStream('s3://store-test/put/x.txt', { start: 6, end: 11 });
    expect(Buffer.concat(await part.toArray()).toString()).toBe('world');
    expect(counts.get('GetObjectCommand')).toBe(1);
    client.destroy();
  });

  it('follows continuation tokens across list pages, sorted and without duplicates', async () => {
    const client = createS3Client(server.s3);
    const counts = countCommands(client);
    const backend = new S3Backend(client, server.s3, 4);
    const keys = Array.from({ length: 23 }, (_, i) => `k-${((i * 7) % 23).toString().padStart(2, '0')}`);
    await Promise.all(keys.map((k) => backend.write(`s3://other/paged/${k}`, k)));
    const listed = await backend.list('s3://other/paged/');
    expect(counts.get('ListObjectsV2Command')).toBe(6);
    expect(listed.map((o) => o.key)).toEqual([...keys].sort());
    expect(listed.every((o) => o.size === 4)).toBe(true);
    client.destroy();
  });

  it('lists a whole bucket and skips folder-marker objects', async () => {
    await store.write('s3://other/m/dir/', '');
    await store.write('s3://other/m/dir/file', 'f');
    expect((await store.list('s3://other/m')).map((o) => o.key)).toEqual(['dir/file']);
    expect((await store.list('s3://other')).some((o) => o.key === 'm/dir/file' && o.uri === 's3://other/m/dir/file')).toBe(true);
  });

  it('fails on a missing bucket with a message naming the URI', async () => {
    await expect(store.list('s3://no-such-bucket/x')).rejects.toThrow(/s3:\/\/no-such-bucket\/x: ListObjectsV2 failed: the bucket does not exist/);
    await expect(store.write('s3://no-such-bucket/x', 'a')).rejects.toThrow(StoreError);
  });

  it('names the URI when a streamed upload fails', async () => {
    const err = await store.write('s3://store-test/fail/x', failingStream()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/^s3:\/\/store-test\/fail\/x: multipart upload failed: .*source broke mid-stream/);
    expect(await store.exists('s3://store-test/fail/x')).toBe(false);
  });

  it('refuses an s3 URI without a key for object operations', async () => {
    await expect(store.read('s3://store-test')).rejects.toThrow(/s3:\/\/store-test: no object key/);
  });
});

describe('s3OptionsFromEnv', () => {
  it('is undefined when nothing is set', () => {
    expect(s3OptionsFromEnv({})).toBeUndefined();
  });

  it('reads endpoint, path style, region and static credentials', () => {
    expect(
      s3OptionsFromEnv({
        AWS_ENDPOINT_URL: 'http://generic:1',
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
        AWS_S3_FORCE_PATH_STYLE: 'true',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'tok',
      }),
    ).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 'tok' },
    });
    expect(s3OptionsFromEnv({ AWS_ENDPOINT_URL: 'http://generic:1' })).toEqual({ endpoint: 'http://generic:1' });
    expect(s3OptionsFromEnv({ AWS_DEFAULT_REGION: 'us-east-2', AWS_S3_FORCE_PATH_STYLE: 'false' })).toEqual({ region: 'us-east-2' });
  });

  it('leaves credentials to the default chain without AWS_ACCESS_KEY_ID', () => {
    expect(s3OptionsFromEnv({ AWS_REGION: 'us-east-1', AWS_SECRET_ACCESS_KEY: 'lonely' })).toEqual({ region: 'us-east-1' });
  });

  it('names the variable that is wrong', () => {
    expect(() => s3OptionsFromEnv({ AWS_ENDPOINT_URL_S3: 'not a url' })).toThrow(/AWS_ENDPOINT_URL_S3/);
    expect(() => s3OptionsFromEnv({ AWS_S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/AWS_S3_FORCE_PATH_STYLE/);
    expect(() => s3OptionsFromEnv({ AWS_ACCESS_KEY_ID: 'id' })).toThrow(/AWS_SECRET_ACCESS_KEY/);
  });

  it('is what createStore uses for s3:// when given no options', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: server.endpoint,
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
    try {
      const envStore = createStore();
      await envStore.write('s3://store-test/env/x.txt', 'via env');
      expect(await store.readText('s3://store-test/env/x.txt')).toBe('via env');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
