import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageContext } from '../../lib/pipeline/context.ts';
import { planJob } from '../../lib/pipeline/plan.ts';
import { createStore } from '../../lib/store/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// Imported after the log level is set: handlers create their loggers at import.
const { handler: dispatch, handlers } = await import('../../functions/index.ts');
const { InvalidEventError, StageFailedError } = await import('../../functions/shared/middleware.ts');
const { cloudPlanOutput } = await import('../../functions/shared/plan-output.ts');

const context = { awsRequestId: 'test-request' } as Context;
type AnyHandler = (event: unknown, context: Context) => Promise<any>;
const call = (name: keyof typeof handlers, event: unknown) => (handlers[name] as AnyHandler)(event, context);

let corpus: { dir: string; cleanup: () => Promise<void> };
let work: string;

beforeAll(async () => {
  corpus = await smallDemoCorpus(0.05);
  work = await mkdtemp(join(tmpdir(), 'proxysel-handlers-'));
});
afterAll(async () => {
  await corpus?.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('stage handlers', () => {
  it('reject an invalid event with InvalidEventError listing every field at fault', async () => {
    const error = await call('sample', { plan: '', item: { id: 'bad id!', uri: 3 }, extra: true }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.name).toBe('InvalidEventError');
    const message = (error as Error).message;
    expect(message).toMatch(/^sample: invalid event: /);
    for (const field of ['plan', 'item.id', 'item.uri', 'item.key', 'item.format']) expect(message).toContain(`${field}: `);
    expect(message).toContain('extra: unknown field');
    await expect(call('fit', {})).rejects.toThrow(/^fit: invalid event: plan: /);
  });

  it('return what the stage returns for the same input (plan: the output of planJob)', async () => {
    const specUri = join(work, 'jobs', 'a.json');
    await mkdir(join(work, 'jobs'), { recursive: true });
    await writeFile(specUri, JSON.stringify(quickJob(corpus.dir, join(work, 'out-a'))));
    const direct = await planJob({ specUri }, stageContext(createStore()));
    const viaHandler = await call('plan', { specUri });
    expect(viaHandler).toEqual(direct);
    expect(viaHandler.plan).toBe(join(work, 'out-a', 'plan.json'));
    // the STAGE dispatcher of the single Lambda bundle picks the same handler
    process.env.STAGE = 'plan';
    try {
      expect(await dispatch({ specUri }, context)).toEqual(direct);
      process.env.STAGE = 'nope';
      await expect(dispatch({ specUri }, context)).rejects.toThrow(/STAGE must name one of plan, sample, .* \(got "nope"\)/);
    } finally {
      delete process.env.STAGE;
    }
  });

  it('exist for every stage of the registry under its name, besides record-failure and start', async () => {
    const { stageNames } = await import('../../lib/pipeline/stages.ts');
    expect(Object.keys(handlers).sort()).toEqual([...stageNames, 'record-failure', 'start'].sort());
    await expect(call('merge-sample', { plan: 3 })).rejects.toThrow(/^merge-sample: invalid event: plan: /);
  });

  it('keep the original error name for Retry/Catch matching, with the stage in the message', async () => {
    const missing = join(work, 'nowhere', 'plan.json');
    const error = (await call('fit', { plan: missing }).catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(StageFailedError);
    expect(error.name).toBe('StoreNotFoundError');
    expect(error.message).toMatch(new RegExp(`^fit: .*${missing.replace(/[/.]/g, '\\$&')}`));
    expect((error.cause as Error).name).toBe('StoreNotFoundError');
    // a plain Error gets a name a Catch can match on
    expect(new StageFailedError('reduce', new Error('boom')).name).toBe('StageFailedError');
    expect(new StageFailedError('reduce', 'text').message).toBe('reduce: text');
  });

  it('add the ItemReader/ResultWriter locations to the plan output for s3 outputs only', () => {
    const base = { plan: 's3://data/selections/x/plan.json', itemsUri: 's3://data/selections/x/plan/items.json' };
    expect(cloudPlanOutput(base as never)).toMatchObject({
      itemsBucket: 'data',
      itemsKey: 'selections/x/plan/items.json',
      resultsPrefix: 'selections/x/plan/map-results',
    });
    const local = { plan: '/tmp/x/plan.json', itemsUri: '/tmp/x/plan/items.json' };
    expect(cloudPlanOutput(local as never)).toEqual(local);
  });
});
