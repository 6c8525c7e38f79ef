/**
 * Issue 30, item 5: every bad input the CLI meets exits 2 with a message naming the input, everything else 1; the mark
 * is the error's `badInput` field, which survives a worker thread (where `instanceof` no longer holds).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../lib/cli/index.ts';
import { isBadInput } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { BadStageInputError, WorkerTaskError } from '../../lib/pipeline/errors.ts';
import { StageWorkerPool } from '../../lib/runner/worker-pool.ts';
import { proxyselInProcess } from './cli-in-process.ts';
import { jsonl, brownTexts, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(async () => {
  await world.cleanup();
});

describe('the CLI exit code', () => {
  it('proxysel run with no spec: exit 2, saying to give the path of a job spec', async () => {
    const r = await proxyselInProcess(['run']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('proxysel: proxysel run: give the path of a job spec (JSON)\n');
  });

  it('proxysel run with a spec file that is not there: exit 2, naming the path and ENOENT', async () => {
    const path = join(world.root, 'no-such-job.json');
    const r = await proxyselInProcess(['run', path]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`proxysel: ${path}: cannot read the job spec (ENOENT)\n`);
  });

  it('proxysel estimate --corpus-bytes abc: exit 2, naming the flag and the value', async () => {
    const r = await proxyselInProcess(['estimate', '--corpus-bytes', 'abc']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^proxysel: --corpus-bytes: "abc" is not a size/);
  });

  it('a bad input raised inside a worker thread (a bad record under onBadRecord "fail"): exit 2, naming the shard and line', async () => {
    const corpus = join(world.root, 'bad-corpus');
    await mkdir(corpus, { recursive: true });
    await writeFile(join(corpus, 'a.jsonl'), jsonl(brownTexts.slice(0, 100), 'a') + '{"id": "broken", "text": \n' + jsonl(brownTexts.slice(100, 150), 'b'));
    const spec = join(world.root, 'bad-record.json');
    await writeFile(spec, JSON.stringify(tinySpec(world, join(world.root, 'bad-record-out'), { corpus: { uri: corpus, onBadRecord: 'fail' } })));
    const r = await proxyselInProcess(['run', spec, '--workers', '1', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^proxysel: .*a\.jsonl line 101: not valid JSON/m);
  }, 120_000);

  it("a stage's bad-input error comes back from a worker thread as a WorkerTaskError under its name, still marked bad input", async () => {
    const pool = new StageWorkerPool(1, { log: silentLogger });
    try {
      const error = await pool.run('reference', { plan: join(world.root, 'plan.json'), index: 3, count: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerTaskError);
      expect(error).not.toBeInstanceOf(BadStageInputError);
      expect((error as Error).name).toBe('BadStageInputError');
      expect((error as Error).message).toMatch(/reference slice index 3 is not below the slice count 2/);
      expect(isBadInput(error)).toBe(true);
      expect(exitCodeOf(error)).toBe(2);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('anything not marked bad input is exit 1, whatever its name', () => {
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf(new WorkerTaskError('score', 'worker thread exited with code 1'))).toBe(1);
    expect(exitCodeOf(Object.assign(new Error('x'), { name: 'JobSpecError' }))).toBe(1);
    expect(exitCodeOf({ name: 'BadRecordError', message: 'a.jsonl line 3', badInput: true })).toBe(2);
  });
});
