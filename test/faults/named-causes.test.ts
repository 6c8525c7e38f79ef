/**
 * The weak messages of issue 28, as the user meets them through the CLI: an S3 endpoint that went away (was
 * `proxysel: aborted`), an output under a location the process may not write (was ENOENT on mkdir), and a parquet
 * shard without the text column (was only counted as bad records).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyselInProcess } from './cli-in-process.ts';
import { createStore } from '../../lib/store/index.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { brownTexts, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(async () => {
  await world.cleanup();
});

const proxysel = proxyselInProcess;

async function specFile(spec: Record<string, unknown>): Promise<string> {
  const path = join(world.root, `spec-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(spec));
  return path;
}

describe('a failure names its cause', () => {
  it('an S3 endpoint that is gone: the endpoint and "connection refused", not "aborted"', async () => {
    const s3 = await startS3rver(['bkt']);
    const store = createStore({ s3: s3.s3 });
    await store.write('s3://bkt/corpus/a.jsonl', brownTexts.slice(0, 50).map((text, i) => JSON.stringify({ id: `a-${i}`, text })).join('\n') + '\n');
    const endpoint = s3.endpoint;
    await s3.close();
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    try {
      const path = await specFile({ ...tinySpec(world, 's3://bkt/out/'), corpus: { uri: 's3://bkt/corpus/' } });
      const ran = await proxysel(['run', path, '--workers', '0', '--quiet']);
      expect(ran.code).toBe(1);
      expect(ran.err).toMatch(new RegExp(`cannot reach the S3 endpoint ${endpoint.replace(/[.]/g, '\\.')}: connection refused \\(ECONNREFUSED\\)`));
      expect(ran.err).not.toMatch(/proxysel: aborted/);
    } finally {
      for (const k of ['AWS_ENDPOINT_URL_S3', 'AWS_S3_FORCE_PATH_STYLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  }, 60_000);

  it('an S3 endpoint that goes away mid-read: the object, the endpoint and the lost connection, not a bare "aborted"', async () => {
    // A server that answers a GetObject with half its body, then drops the connection (what a stopped endpoint does).
    const server = createServer((req, res) => {
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'Content-Length': '1000', ETag: '"x"' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Length': '1000', ETag: '"x"', 'Content-Type': 'application/octet-stream' });
      res.write(Buffer.alloc(100, 97), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const store = createStore({ s3: { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 } });
      const read = async () => {
        for await (const _chunk of await store.readStream('s3://bkt/corpus/a.jsonl')) void _chunk;
      };
      await expect(read()).rejects.toThrow(
        new RegExp(`^s3://bkt/corpus/a\\.jsonl: reading the object failed: lost the S3 endpoint ${endpoint.replace(/[.]/g, '\\.')}: connection reset`),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an output the process may not write: permission denied or read-only, with the path (not ENOENT)', async () => {
    // /sys is mounted read-only (sysfs), and refuses new folders even to root: a read-only location any user can name.
    const output = '/sys/proxysel-read-only-test/out';
    const ran = await proxysel(['run', await specFile(tinySpec(world, output)), '--workers', '0', '--quiet']);
    expect(ran.code).toBe(1);
    expect(ran.err).toMatch(/cannot create the folder \/sys\/proxysel-read-only-test\/out: (permission denied|read-only file system) at \/sys/);
    expect(ran.err).not.toMatch(/ENOENT/);
  });

  it('a parquet shard without the text column: a warning naming the shard and the field', async () => {
    const corpus = await mkdtemp(join(world.root, 'parquet-'));
    await writeFile(join(corpus, 'a.jsonl'), brownTexts.slice(0, 200).map((text, i) => JSON.stringify({ id: `a-${i}`, text })).join('\n') + '\n');
    const texts = brownTexts.slice(200, 260);
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: texts.map((_, i) => `p-${i}`), type: 'STRING' },
        { name: 'body', data: texts, type: 'STRING' },
      ],
    });
    await writeFile(join(corpus, 'b.parquet'), Buffer.from(bytes));
    const out = await mkdtemp(join(world.root, 'out-'));
    const ran = await proxysel(['run', await specFile({ ...tinySpec(world, out), corpus: { uri: corpus } }), '--workers', '0', '--quiet']);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.err).toContain('b.parquet: the whole shard has no text field: no column "text" (its columns: id, body)');
  }, 60_000);
});
