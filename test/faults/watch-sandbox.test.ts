/**
 * Class 4 of issue 28: `proxysel watch s3://bucket/jobs/` used to run a spec dropped in the bucket whose corpus was a
 * local folder of the watcher's host, uploading every record of it into the bucket. Specs taken from a bucket now
 * name only s3:// locations under the prefixes the watcher allows (--allow, default: the watched bucket): any other
 * spec is moved aside to `<spec>.REJECTED`, with why, before anything of it runs. The cloud plan applies the same rule
 * with the stack's read and output prefixes. Against s3rver 3.7.1, through the CLI as a user runs it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyselInProcess } from './cli-in-process.ts';
import { planJob } from '../../lib/pipeline/plan.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { createStore, type ObjectStore } from '../../lib/store/index.ts';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.ts';
import { tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
let s3: RunningS3rver;
let store: ObjectStore;
const saved: Record<string, string | undefined> = {};
const ENV = ['AWS_ENDPOINT_URL_S3', 'AWS_S3_FORCE_PATH_STYLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'];

beforeAll(async () => {
  world = await tinyWorld();
  s3 = await startS3rver(['bkt', 'other']);
  store = createStore({ s3: s3.s3 });
  for (const name of ENV) saved[name] = process.env[name];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
  // The corpus and reference text in the bucket too, for the specs that stay inside it.
  for (const name of await readdir(world.corpus)) await store.write(`s3://bkt/corpora/tiny/${name}`, await readFile(join(world.corpus, name)));
  await store.write('s3://bkt/models/reference.txt', await readFile(world.reference));
});
afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await s3?.close();
  await world.cleanup();
});

const proxysel = proxyselInProcess;

const keysUnder = async (prefix: string) => (await store.list(prefix)).map((o) => o.key);

describe('proxysel watch s3://bkt/<jobs>/', () => {
  it('moves aside, unrun, a spec whose corpus and reference text are local folders of the watching host', async () => {
    const spec = tinySpec(world, 's3://bkt/selections/leak/');
    await store.writeJson('s3://bkt/leak-jobs/leak.json', spec);
    const watched = await proxysel(['watch', 's3://bkt/leak-jobs/', '--once', '--workers', '0', '--quiet']);
    expect(watched.code).toBe(1);
    expect(await keysUnder('s3://bkt/selections/leak/')).toEqual([]);
    expect(await keysUnder('s3://bkt/leak-jobs/')).toEqual(['leak.json.REJECTED']);
    const note = (await store.readJson('s3://bkt/leak-jobs/leak.json.REJECTED')) as { problems: string[]; reason: string; specText: string };
    expect(note.reason).toMatch(/watch sandbox.*s3:\/\/bkt\//);
    expect(note.problems).toEqual([
      expect.stringMatching(new RegExp(`^corpus\\.uri: "${world.corpus}" is a local path; a spec taken from a bucket may only name s3:// locations under s3://bkt/`)),
      expect.stringMatching(/^reference\.text: ".*reference\.txt" is a local path/),
    ]);
    expect(JSON.parse(note.specText)).toEqual(spec);
    expect(watched.err).toContain('leak.json: refused, moved aside to s3://bkt/leak-jobs/leak.json.REJECTED');
  });

  it('refuses a relative path and a location outside the --allow prefixes (another bucket), naming each', async () => {
    await store.writeJson('s3://bkt/rel-jobs/rel.json', {
      ...tinySpec(world, 's3://bkt/selections/rel/'),
      corpus: { uri: 's3://other/corpus/' },
      reference: { kind: 'ngram', text: 'models/reference.txt' },
    });
    const watched = await proxysel(['watch', 's3://bkt/rel-jobs/', '--once', '--quiet', '--allow', 's3://bkt/corpora/', '--allow', 's3://bkt/selections/']);
    expect(watched.code).toBe(1);
    const note = (await store.readJson('s3://bkt/rel-jobs/rel.json.REJECTED')) as { problems: string[] };
    expect(note.problems).toEqual([
      'corpus.uri: "s3://other/corpus/" is not under an allowed prefix (s3://bkt/corpora/, s3://bkt/selections/; proxysel watch --allow)',
      expect.stringMatching(/^reference\.text: "models\/reference\.txt" is a local path/),
    ]);
    expect(await keysUnder('s3://bkt/selections/rel/')).toEqual([]);
  });

  it('runs a spec whose every location lies under the allowed prefixes', async () => {
    await store.writeJson('s3://bkt/ok-jobs/ok.json', {
      ...tinySpec(world, 's3://bkt/selections/ok/'),
      corpus: { uri: 's3://bkt/corpora/tiny/' },
      reference: { kind: 'ngram', text: 's3://bkt/models/reference.txt' },
    });
    const watched = await proxysel(['watch', 's3://bkt/ok-jobs/', '--once', '--workers', '0', '--quiet']);
    expect(watched.code, watched.err).toBe(0);
    expect(await keysUnder('s3://bkt/selections/ok/')).toContain('_SUCCESS');
    expect(await keysUnder('s3://bkt/selections/ok/')).not.toContain('_LOCK');
  }, 120_000);
});

describe('the cloud plan, with the stack sandbox in its environment', () => {
  it('refuses a spec naming a local path of the function before writing anything', async () => {
    process.env.PROXYSEL_READ_PREFIXES = 's3://bkt/jobs/,s3://bkt/corpora/,s3://bkt/models/';
    process.env.PROXYSEL_OUTPUT_PREFIX = 's3://bkt/selections/';
    try {
      const spec = { ...tinySpec(world, 's3://bkt/selections/cloud/'), reference: { kind: 'ngram', text: '/proc/self/environ' } };
      await expect(planJob({ spec: { ...spec, corpus: { uri: 's3://bkt/corpora/tiny/' } } }, { store, log: silentLogger, progress: { add() {} } })).rejects.toThrow(
        /reference\.text: "\/proc\/self\/environ" is a local path/,
      );
      const elsewhere = { ...tinySpec(world, 's3://bkt/corpora/out/'), corpus: { uri: 's3://bkt/corpora/tiny/' }, reference: { kind: 'ngram', text: 's3://bkt/models/reference.txt' } };
      await expect(planJob({ spec: elsewhere }, { store, log: silentLogger, progress: { add() {} } })).rejects.toThrow(
        /output: "s3:\/\/bkt\/corpora\/out\/" is not under an allowed prefix \(s3:\/\/bkt\/selections\//,
      );
      expect(await keysUnder('s3://bkt/selections/cloud/')).toEqual([]);
    } finally {
      delete process.env.PROXYSEL_READ_PREFIXES;
      delete process.env.PROXYSEL_OUTPUT_PREFIX;
    }
  });
});
