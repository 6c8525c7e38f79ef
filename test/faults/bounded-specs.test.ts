/**
 * Class 5 of issue 28: numbers the schema used to let through and the code could not honour (a 2^40 bucket table, a
 * 1-byte work item, a billion epochs) are refused by `proxysel validate` and `proxysel run` before any work, naming
 * the field by its path and the range it must lie in.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyselInProcess } from './cli-in-process.ts';
import { listFiles, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(async () => {
  await world.cleanup();
});

const proxysel = proxyselInProcess;

const proxy = { kind: 'hashed-ensemble', members: 2, buckets: 1024, epochs: 3 };

describe('a spec number out of the range the code can honour', () => {
  it.each([
    ['proxy.buckets 2^40', { proxy: { ...proxy, buckets: 2 ** 40 } }, /proxy\.buckets: must be a power of two from 1024 \(2\^10\) to 16777216/],
    ['proxy.buckets 2^24 x 32 members', { proxy: { ...proxy, members: 32, buckets: 2 ** 24 } }, /proxy\.buckets: members x buckets must be at most 134217728/],
    ['corpus.maxItemBytes 1', { corpus: { maxItemBytes: 1 } }, /corpus\.maxItemBytes: must be at least 1 MiB/],
    ['proxy.epochs 1e9', { proxy: { ...proxy, epochs: 1e9 } }, /proxy\.epochs: must be at most 1000/],
    ['sample.docs 1e12', { sample: { docs: 1e12 } }, /sample\.docs: must be at most 1000000/],
    ['sample.seed 2^40', { sample: { seed: 2 ** 40 } }, /sample\.seed: must be at most 2\^32 - 1/],
    ['dedup.maxPartitionRecords 1e15', { dedup: { kind: 'exact', maxPartitionRecords: 1e15 } }, /dedup\.maxPartitionRecords: must be at most 1e9/],
  ])('%s: validate and run both refuse it naming the field (exit 2), and the run writes nothing', async (_what, override, message) => {
    const out = await mkdtemp(join(world.root, 'out-'));
    const spec = tinySpec(world, out);
    for (const [k, v] of Object.entries(override)) spec[k] = k === 'corpus' ? { uri: world.corpus, ...(v as object) } : v;
    const path = join(world.root, `spec-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(spec));
    const validated = await proxysel(['validate', path]);
    expect(validated.code).toBe(2);
    expect(validated.err).toMatch(message);
    const ran = await proxysel(['run', path, '--workers', '0', '--quiet']);
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(message);
    expect(await listFiles(out)).toEqual([]);
  });
});
