/**
 * `corpus.onBadShard`: a truncated .gz shard fails the run by default (naming the shard); with "skip" the run
 * finishes over the rest, keeps what the shard held before the cut, and names the shard in the manifest.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobSpec } from '../../lib/job/index.ts';
import { runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeAll(async () => {
  world = await tinyWorld();
  const gz = await readFile(join(world.corpus, 'b.jsonl.gz'));
  await writeFile(join(world.corpus, 'b.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
});
afterAll(async () => {
  await world.cleanup();
});

describe('an unreadable shard', () => {
  it('fails the run by default, naming the shard', async () => {
    const out = await mkdtemp(join(world.root, 'fail-'));
    await expect(runTiny(tinySpec(world, out))).rejects.toThrow(/b\.jsonl\.gz: corrupt or truncated gzip stream/);
  });

  it('is skipped with onBadShard "skip": the run finishes and the manifest names it', async () => {
    const out = await mkdtemp(join(world.root, 'skip-'));
    const result = await runTiny(tinySpec(world, out, { corpus: { uri: world.corpus, onBadShard: 'skip' } }));
    const manifest = result.manifest as unknown as { corpus: { docs: number; skippedShards?: { shard: string; problem: string }[]; badRecords: { byReason: Record<string, number> } } };
    expect(manifest.corpus.skippedShards).toEqual([{ shard: 'b.jsonl.gz', problem: expect.stringMatching(/^b\.jsonl\.gz: corrupt or truncated gzip stream .*skipped/) }]);
    expect(manifest.corpus.badRecords.byReason['unreadable-shard']).toBe(1);
    // a.jsonl (150) and c.jsonl (12) whole, and the documents of b before the cut (some, not all 150).
    expect(manifest.corpus.docs).toBeGreaterThan(162);
    expect(manifest.corpus.docs).toBeLessThan(312);
  });

  it('is a spec choice of fail or skip', () => {
    expect(() => parseJobSpec({ ...tinySpec(world, '/tmp/x'), corpus: { uri: world.corpus, onBadShard: 'ignore' } })).toThrow(/corpus\.onBadShard: .*"fail", "skip"/);
  });
});
