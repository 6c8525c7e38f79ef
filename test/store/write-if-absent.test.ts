/**
 * ObjectStore.writeIfAbsent, the conditional create under the run lock: true for the one call that created the object,
 * false for every later one, and the object never replaced; locally with link(), on S3 with If-None-Match plus a HEAD
 * and a read-back, because s3rver 3.7.1 ignores If-None-Match on PUT (shown here with a bare PutObject).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, createStore } from '../../lib/store/index.ts';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.ts';

let dir: string;
let s3: RunningS3rver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxysel-wia-'));
  s3 = await startS3rver(['bkt']);
});
afterAll(async () => {
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

describe('writeIfAbsent', () => {
  it('creates a local file once: of 8 concurrent calls exactly one wins, and its bytes stay', async () => {
    const store = createStore();
    const path = join(dir, 'sub', '_LOCK');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.writeIfAbsent(path, `writer ${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await readFile(path, 'utf8')).toBe(`writer ${results.indexOf(true)}`);
    expect(await store.writeIfAbsent(path, 'late')).toBe(false);
  });

  it('creates an S3 object once and never replaces it, though s3rver 3.7.1 ignores If-None-Match on PUT', async () => {
    const client = createS3Client(s3.s3);
    await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'probe', Body: 'first' }));
    // The server's own behaviour: a conditional PUT over an existing key succeeds and replaces it.
    await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'probe', Body: 'second', IfNoneMatch: '*' }));
    const store = createStore({ s3: s3.s3 });
    expect((await store.read('s3://bkt/probe')).toString()).toBe('second');
    // writeIfAbsent still keeps the first writer's object.
    expect(await store.writeIfAbsent('s3://bkt/out/_LOCK', 'one')).toBe(true);
    expect(await store.writeIfAbsent('s3://bkt/out/_LOCK', 'two')).toBe(false);
    expect((await store.read('s3://bkt/out/_LOCK')).toString()).toBe('one');
  });
});
