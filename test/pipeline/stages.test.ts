import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, stageContext } from '../../lib/pipeline/context.ts';
import { InvalidEventError } from '../../lib/pipeline/errors.ts';
import { parseStageInput, phases, stageNames, stages, stateName } from '../../lib/pipeline/stages.ts';
import { unitInputs } from '../../lib/runner/run-phases.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import type { RunFiles } from '../../lib/run/index.ts';
import { StageWorkerPool } from '../../lib/runner/worker-pool.ts';
import { createStore } from '../../lib/store/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxysel-stages-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the stage registry', () => {
  it('names every stage once, in kebab-case, and derives the Step Functions state name from that name', () => {
    for (const name of stageNames) expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(stateName('merge-sample')).toBe('MergeSample');
    expect(stateName('dedup-clusters')).toBe('DedupClusters');
    expect(stateName('record-failure')).toBe('RecordFailure');
    expect(stateName('fit')).toBe('Fit');
  });

  it('orders every stage after plan into exactly one phase, in registry order', () => {
    const phased = phases.flatMap((p) => p.stages);
    expect(['plan', ...phased]).toEqual(stageNames);
    // A fan-out leads its phase; a phase ends with the single stage that merges what its fan-outs wrote.
    for (const phase of phases) {
      expect(stages[phase.stages.at(-1)!].fanOut === 'single' || phase.stages.length === 1).toBe(true);
      if (phase.stages.length > 1) expect(stages[phase.stages[0]!].fanOut).not.toBe('single');
    }
  });

  it('runs the dedup merge only when the plan merges group files, and the removal lists once per unit of the shuffle\'s top level', () => {
    expect(phases.find((p) => p.name === 'dedup')!.stages).toEqual(['dedup-gather', 'dedup-merge', 'dedup', 'dedup-removals', 'dedup-clusters']);
    expect([stages['dedup-merge'].fanOut, stages['dedup-removals'].fanOut]).toEqual(['per-merge', 'per-merge']);
    const run = (dedupGroups: number, dedupMergeGroups: number) =>
      ({ plan: { dedupPartitions: 4, dedupGroups, dedupMergeGroups, dedupMerges: Math.ceil(dedupGroups / dedupMergeGroups) } }) as unknown as RunFiles;
    expect(unitInputs('dedup-merge', 'p', run(5, 1), [])).toEqual([]);
    expect(unitInputs('dedup-removals', 'p', run(5, 1), [])).toEqual([0, 1, 2, 3, 4].map((merge) => ({ plan: 'p', merge })));
    expect(unitInputs('dedup-merge', 'p', run(5, 2), [])).toEqual([0, 1, 2].map((merge) => ({ plan: 'p', merge })));
    expect(unitInputs('dedup-removals', 'p', run(5, 2), [])).toEqual([0, 1, 2].map((merge) => ({ plan: 'p', merge })));
    expect(unitInputs('dedup-gather', 'p', run(5, 2), [])).toHaveLength(5);
  });

  it('declares what each stage reads from upstream: stages that run before it, named in the registry only', () => {
    const reads = Object.fromEntries(stageNames.map((name) => [name, Object.values((stages[name] as { reads?: Record<string, string> }).reads ?? {})]));
    for (const name of stageNames) for (const upstream of reads[name]!) expect(stageNames.indexOf(upstream as never), `${name} reads ${upstream}`).toBeLessThan(stageNames.indexOf(name));
    expect(reads).toMatchObject({ 'merge-sample': ['sample'], reference: ['merge-sample'], 'merge-labels': ['reference'], fit: ['merge-sample', 'merge-labels'], score: ['fit'], count: ['score', 'fit'], select: ['score', 'fit'] });
  });

  it('validates a local stage call before the stage reads anything: InvalidEventError naming every field at fault', async () => {
    const ctx = stageContext(createStore(), silentLogger);
    const error = (await runStage('sample', { plan: '', item: { id: 'a' }, extra: true }, ctx).catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.message).toMatch(/^sample: invalid event: /);
    for (const field of ['plan', 'item.uri', 'item.key', 'extra']) expect(error.message).toContain(`${field}: `);
    // A valid event reaches the stage, which fails on the missing plan instead.
    const missing = join(dir, 'nowhere', 'plan.json');
    await expect(runStage('fit', { plan: missing }, ctx)).rejects.toThrow(missing);
    await expect(runStage('plan', {}, ctx)).rejects.toThrow(/^plan: invalid event: specUri: plan needs either a spec or a specUri/);
  });

  it("accepts re-selection's budget and policy in reduce's input, and nothing the schema does not name", () => {
    const budget = { form: 'tokens', unit: 'tokens', amount: 5 } as const;
    expect(parseStageInput('reduce', { plan: 'p', budget })).toEqual({ plan: 'p', budget });
    expect(() => parseStageInput('reduce', { plan: 'p', budget: { form: 'tokens' } })).toThrow(/reduce: invalid event: budget/);
    expect(() => parseStageInput('settle', { plan: 'p', budget })).toThrow(InvalidEventError);
  });

  // About 5 s on a loaded machine, nearly all of it the worker thread's tsx boot: the only way to see the worker's side.
  it("validates in the worker threads too, and the failed call keeps the worker error's name", async () => {
    const pool = new StageWorkerPool(1, { log: silentLogger });
    try {
      const error = (await pool.run('dedup', { plan: 'p', partition: -1 }).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(/^dedup: invalid event: partition: /);
      expect(error.name).toBe('InvalidEventError');
    } finally {
      await pool.close();
    }
  });
});
