import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/index.ts';
import { silentLogger, stageContext } from '../../lib/pipeline/context.ts';
import { readableCause, recordFailure } from '../../lib/runner/index.ts';
import { createStore } from '../../lib/store/index.ts';
import {
  executionNameFor,
  jobSpecFromEvent,
  pollJobSpecs,
  runSpecLocally,
  startRunForEvent,
  STARTED_FOLDER,
  TriggerEventError,
} from '../../lib/trigger/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';

const VALID_NAME = /^[A-Za-z0-9_-]{1,80}$/;

function objectCreated(key: string, etag = '"0123456789abcdef0123456789abcdef"', bucket = 'data') {
  return { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucket }, object: { key, etag, size: 10 } } };
}

describe('executionNameFor', () => {
  it('is deterministic, at most 80 characters of letters, digits, - and _', () => {
    const keys = [
      'jobs/cc-2024-10-budget-2b.json',
      `jobs/${'very-long-name-'.repeat(20)}.json`,
      'jobs/team a/spec (1) über.json',
      'jobs/.json',
      'jobs/%%%.json',
    ];
    for (const key of keys) {
      const name = executionNameFor(key, 'abc123');
      expect(name).toMatch(VALID_NAME);
      expect(executionNameFor(key, 'abc123')).toBe(name);
    }
    expect(executionNameFor('jobs/cc-2024-10-budget-2b.json', 'abc')).toMatch(/^cc-2024-10-budget-2b-[0-9a-f]{20}$/);
  });

  it('names the same object the same way with or without ETag quotes, and a new upload differently', () => {
    const key = 'jobs/a.json';
    expect(executionNameFor(key, '"abc"')).toBe(executionNameFor(key, 'abc'));
    expect(executionNameFor(key, 'abd')).not.toBe(executionNameFor(key, 'abc'));
    // same file name in another folder is another spec
    expect(executionNameFor('jobs/x/a.json', 'abc')).not.toBe(executionNameFor(key, 'abc'));
  });

  it('refuses an empty key or ETag', () => {
    expect(() => executionNameFor('', 'abc')).toThrow(/key is empty/);
    expect(() => executionNameFor('jobs/a.json', '""')).toThrow(/jobs\/a\.json: the ETag is empty/);
  });
});

describe('the cloud trigger', () => {
  it('starts one execution per spec version: a duplicated event maps to the same name and starts nothing', async () => {
    const started = new Map<string, unknown>();
    const start = async ({ name, input }: { name: string; input: unknown }) => {
      if (started.has(name)) return false;
      started.set(name, input);
      return true;
    };
    const event = objectCreated('jobs/nightly.json');
    const first = await startRunForEvent(event, start);
    const again = await startRunForEvent(structuredClone(event), start);
    expect(first.started).toBe(true);
    expect(again).toEqual({ ...first, started: false });
    expect([...started.values()]).toEqual([{ specUri: 's3://data/jobs/nightly.json' }]);
    const reuploaded = await startRunForEvent(objectCreated('jobs/nightly.json', 'ffff'), start);
    expect(reuploaded.started).toBe(true);
    expect(reuploaded.executionName).not.toBe(first.executionName);
  });

  it('decodes URL-encoded keys of S3 events', () => {
    expect(jobSpecFromEvent(objectCreated('jobs/my+spec%281%29.json'))).toMatchObject({ uri: 's3://data/jobs/my spec(1).json', key: 'jobs/my spec(1).json' });
  });

  it('rejects keys that are not job specs under the prefix, and events that are not Object Created', () => {
    for (const key of ['selections/run/manifest.json', 'jobs/notes.txt', 'jobs/_started/x.json', 'jobs/.hidden/x.json', 'corpora/jobs/x.json']) {
      expect(() => jobSpecFromEvent(objectCreated(key))).toThrow(TriggerEventError);
    }
    expect(() => jobSpecFromEvent(objectCreated('jobs/x.json'), 'specs/')).toThrow(/not a job spec \(expected specs\/\*\*\.json\)/);
    const wrong = { source: 'aws.s3', 'detail-type': 'Object Deleted', detail: { bucket: { name: 'b' }, object: {} } };
    expect(() => jobSpecFromEvent(wrong)).toThrow(/detail-type[\s\S]*detail\.object\.key/);
  });
});

describe('failure records', () => {
  it('unwraps Lambda and Batch causes into their readable message', () => {
    expect(readableCause(JSON.stringify({ errorType: 'BadRecordError', errorMessage: 'sample: part-1.jsonl line 3: not valid JSON', trace: [] }))).toBe(
      'sample: part-1.jsonl line 3: not valid JSON',
    );
    expect(readableCause(JSON.stringify({ StatusReason: 'Essential container in task exited' }))).toBe('Essential container in task exited');
    expect(readableCause('plain text')).toBe('plain text');
    expect(readableCause(undefined)).toBe('(no cause given)');
  });

  it('writes _FAILED next to the output, or <spec>.FAILED before the plan knew the output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxysel-failure-'));
    try {
      const ctx = stageContext(createStore());
      const error = { Error: 'PlanError', Cause: JSON.stringify({ errorType: 'PlanError', errorMessage: 'plan: corpus is empty' }) };
      const a = await recordFailure({ specUri: join(dir, 'jobs/a.json'), run: { output: join(dir, 'out') + '/' }, error }, ctx);
      expect(a.failed).toBe(join(dir, 'out', '_FAILED'));
      expect(JSON.parse(await readFile(a.failed, 'utf8'))).toEqual({
        error: 'PlanError',
        cause: 'plan: corpus is empty',
        specUri: join(dir, 'jobs/a.json'),
        output: join(dir, 'out') + '/',
      });
      const b = await recordFailure({ specUri: join(dir, 'jobs/b.json'), error }, ctx);
      expect(b.failed).toBe(join(dir, 'jobs/b.json.FAILED'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('proxysel watch (the trigger without EventBridge)', () => {
  let corpus: { dir: string; cleanup: () => Promise<void> };
  let work: string;
  beforeAll(async () => {
    corpus = await smallDemoCorpus(0.05);
    work = await mkdtemp(join(tmpdir(), 'proxysel-watch-'));
  });
  afterAll(async () => {
    await corpus?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it('runs each new spec once with the local runner, records failures, and runs a re-uploaded spec again', async () => {
    const jobs = join(work, 'jobs') + '/';
    await mkdir(jobs, { recursive: true });
    await writeFile(join(jobs, 'good.json'), JSON.stringify(quickJob(corpus.dir, join(work, 'out', 'good'))));
    await writeFile(join(jobs, 'bad.json'), JSON.stringify({ name: 'bad', corpus: { uri: join(corpus.dir, 'corpus') } }));
    const store = createStore();
    const runs: string[] = [];
    const options = {
      prefix: jobs,
      store,
      log: silentLogger,
      run: async (spec: Parameters<typeof runSpecLocally>[0], name: string) => {
        runs.push(spec.key);
        await runSpecLocally(spec, name, { store, workers: 0, log: silentLogger });
      },
    };
    const first = await pollJobSpecs(options);
    expect(runs).toEqual(['bad.json', 'good.json']);
    expect(first.started).toHaveLength(1);
    expect(first.failed).toHaveLength(1);
    expect(JSON.parse(await readFile(join(work, 'out', 'good', 'manifest.json'), 'utf8')).selected.docs).toBeGreaterThan(0);
    const failed = JSON.parse(await readFile(join(jobs, 'bad.json.FAILED'), 'utf8')) as { error: string; cause: string };
    expect(failed.error).toBe('JobSpecError');
    expect(failed.cause).toMatch(/output/);

    const second = await pollJobSpecs(options);
    expect(second).toEqual({ started: [], failed: [], skipped: [...first.failed, ...first.started].sort() });
    expect(runs).toHaveLength(2);
    expect((await store.list(join(jobs, STARTED_FOLDER))).length).toBe(2);

    // A new version of a spec is a new run (its ETag changes), as with the cloud trigger.
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(jobs, 'bad.json'), JSON.stringify({ name: 'bad2', corpus: { uri: join(corpus.dir, 'corpus') } }));
    const third = await pollJobSpecs(options);
    expect(third.failed).toHaveLength(1);
    expect(runs).toEqual(['bad.json', 'good.json', 'bad.json']);
  });

  it('is wired into the CLI: `proxysel watch <prefix> --once` polls once and exits 1 when a run failed', async () => {
    const jobs = join(work, 'cli-jobs') + '/';
    await mkdir(jobs, { recursive: true });
    await writeFile(join(jobs, 'broken.json'), '{ not json');
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['watch', jobs, '--once', '--quiet']);
    } finally {
      process.stderr.write = stderr;
    }
    expect(code).toBe(1);
    const failed = JSON.parse(await readFile(join(jobs, 'broken.json.FAILED'), 'utf8')) as { cause: string };
    expect(failed.cause).toMatch(/not valid JSON/);
    await expect(main(['watch'])).rejects.toThrow(/give the jobs prefix/);
  });
});
