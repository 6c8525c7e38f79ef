import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../lib/cli/index.ts';
import { InvalidOptionError, JobSpecError, parseBudgetOption } from '../../lib/job/index.ts';
import { stageContext } from '../../lib/pipeline/context.ts';
import {
  BadStageInputError,
  InvariantError,
  MissingInputError,
  PIPELINE_ERROR_NAMES,
  PipelineError,
  StaleInputError,
  TooFewLabelsError,
} from '../../lib/pipeline/errors.ts';
import { finishedUnit } from '../../lib/runner/markers.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import type { RunFiles } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxysel-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the pipeline errors', () => {
  it('each carry their own name, which Step Functions matches and _FAILED records, listed in PIPELINE_ERROR_NAMES', () => {
    const errors = [BadStageInputError, MissingInputError, StaleInputError, TooFewLabelsError, InvariantError].map((E) => new E('x'));
    for (const e of errors) {
      expect(e).toBeInstanceOf(PipelineError);
      expect(PIPELINE_ERROR_NAMES).toContain(e.name);
    }
    expect(new Set(errors.map((e) => e.name)).size).toBe(errors.length);
  });

  it('name a stage event the plan cannot have before anything is read', async () => {
    const ctx = stageContext(createStore());
    const error = await runStage('reference', { plan: join(dir, 'plan.json'), index: 3, count: 2 }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadStageInputError);
    expect((error as Error).message).toMatch(/reference slice index 3 is not below the slice count 2/);
  });

  it('name an earlier stage that has not finished as missing input, with the marker it looked for', async () => {
    const run = { output: dir, uri: (key: string) => join(dir, key), plan: {} } as unknown as RunFiles;
    const error = await finishedUnit(createStore(), run, 'score', 'part-0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    expect((error as Error).message).toContain(join(dir, 'plan/done/score/part-0001.json'));
  });

  it('make the CLI exit 2 for input a person gave wrong and 1 for a run that failed', () => {
    expect(exitCodeOf(new JobSpecError('job.json', ['budget: required']))).toBe(2);
    expect(exitCodeOf(catching(() => parseBudgetOption('tokens=')))).toBe(2);
    expect(catching(() => parseBudgetOption('tokens='))).toBeInstanceOf(InvalidOptionError);
    expect(exitCodeOf(new TooFewLabelsError('fit: only 3 labelled documents'))).toBe(2);
    expect(exitCodeOf(new BadStageInputError('dedup: partition 9 is out of range'))).toBe(2);
    expect(exitCodeOf(new MissingInputError('no marker'))).toBe(1);
    expect(exitCodeOf(new InvariantError('a bug'))).toBe(1);
    expect(exitCodeOf(new Error('boom'))).toBe(1);
  });
});

function catching(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
