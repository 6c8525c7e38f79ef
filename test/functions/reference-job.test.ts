import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReferenceJob } from '../../functions/reference-job/main.ts';
import { jsonLogger, stageContext } from '../../lib/pipeline/context.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import { createOnnxScorer } from '../../lib/reference/onnx/index.ts';
import { onnxReferenceSchema } from '../../lib/job/spec.ts';
import { createStore } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.ts';
import { seededRandom, writeTinyModelFolder } from '../../bench/lib/tiny-causal-lm.ts';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '../../functions/reference-job/main.ts');

const WORDS = 'the cat sat on mat and dog log there is a theory that end near others are see it she said he would rather stay in house'.split(' ');

/** Writes `shards` .jsonl.gz files of seeded pseudo-English documents. Returns their files by name. */
function corpusFiles(shards: number, docsPerShard: number): Map<string, Buffer> {
  const rand = seededRandom(11);
  const files = new Map<string, Buffer>();
  for (let s = 0; s < shards; s++) {
    const lines: string[] = [];
    for (let d = 0; d < docsPerShard; d++) {
      const n = 5 + Math.floor(rand() * 40);
      const text = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') + '.';
      lines.push(JSON.stringify({ id: `s${s}-d${d}`, text }));
    }
    files.set(`part-${s}.jsonl.gz`, gzipSync(lines.join('\n') + '\n'));
  }
  return files;
}

/** plan + sample + merge sample, in process: the state the Batch job starts from. */
async function prepareRun(store: ObjectStore, spec: Record<string, unknown>): Promise<string> {
  const ctx = stageContext(store);
  const planned = await runStage('plan', { spec }, ctx);
  const items = (await store.readJson(planned.itemsUri)) as unknown[];
  for (const item of items) await runStage('sample', { plan: planned.plan, item }, ctx);
  await runStage('merge-sample', { plan: planned.plan }, ctx);
  return planned.plan;
}

async function runMain(env: Record<string, string>): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('PROXYSEL_')));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', MAIN], {
      env: { ...clean, ...env },
      cwd: join(import.meta.dirname, '../..'),
    });
    return { code: 0, lines: parseLines(stdout), stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: parseLines(e.stdout), stderr: e.stderr };
  }
}

async function runInProcess(env: Record<string, string>): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const out: string[] = [];
  const code = await runReferenceJob(env, jsonLogger({}, (l) => out.push(l)));
  return { code, lines: parseLines(out.join('\n')) };
}

function parseLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function gzLines(buf: Buffer): Record<string, unknown>[] {
  return gunzipSync(buf)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-refjob-'));
  await writeTinyModelFolder(join(root, 'model'), { merges: 30, width: 16, positionIds: true, seed: 5, scale: 1.5 });
  await mkdir(join(root, 'corpus'));
  for (const [name, buf] of corpusFiles(3, 40)) await writeFile(join(root, 'corpus', name), buf);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function jobSpec(base: string, output: string, reference: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'refjob',
    corpus: { uri: `${base}corpus/` },
    output,
    budget: { fraction: 0.5 },
    sample: { docs: 30, seed: 3 },
    reference,
  };
}

describe('reference-job entrypoint (plain node, as in the Batch container)', () => {
  it('labels its array slice on a local store, and the labels match the onnx scorer', async () => {
    const store = createStore();
    const output = join(root, 'out-local') + '/';
    const reference = { kind: 'onnx', model: join(root, 'model'), maxTokens: 64, batchSize: 4 };
    const plan = await prepareRun(store, jobSpec(root + '/', output, reference));
    const r = await runMain({ PROXYSEL_PLAN: plan, AWS_BATCH_JOB_ARRAY_INDEX: '0', PROXYSEL_SLICE_COUNT: '1' });
    expect(r.code, r.stderr + JSON.stringify(r.lines)).toBe(0);
    const done = r.lines.find((l) => l.message === 'labelled reference slice')!;
    expect(done).toMatchObject({ level: 'info', index: 0, docs: 30 });
    expect((await readdir(join(output, 'reference'))).sort()).toEqual(['part-00000.jsonl.gz']);
    await runStage('merge-labels', { plan }, stageContext(store));

    const labels = gzLines(await readFile(join(output, 'reference', 'labels.jsonl.gz')));
    const sample = gzLines(await readFile(join(output, 'sample', 'sample.jsonl.gz')));
    expect(labels.map((l) => l.id)).toEqual(sample.map((d) => d.id));
    const scorer = await createOnnxScorer(onnxReferenceSchema.parse(reference), { store });
    const direct = await scorer.score(sample.map((d) => d.text as string));
    await scorer.close();
    labels.forEach((l, i) => {
      expect(l.tokens).toBe(direct[i]!.tokens);
      expect(l.loss as number).toBeCloseTo(direct[i]!.loss, 6);
    });
  });

  it('runs against S3 (s3rver) with the store settings taken from the environment', async () => {
    let s3: RunningS3rver | undefined;
    try {
      s3 = await startS3rver(['data']);
      const store = createStore({ s3: s3.s3 });
      for (const [name, buf] of corpusFiles(2, 30)) await store.write(`s3://data/corpus/${name}`, buf);
      for (const f of ['model.onnx', 'tokenizer.json', 'config.json']) await store.write(`s3://data/model/${f}`, await readFile(join(root, 'model', f)));
      const reference = { kind: 'onnx', model: 's3://data/model/', maxTokens: 32, windows: 'sliding', stride: 16 };
      const plan = await prepareRun(store, jobSpec('s3://data/', 's3://data/out/', reference));
      const env = {
        PROXYSEL_PLAN: plan,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_S3_FORCE_PATH_STYLE: 'true',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      };
      const r = await runMain(env);
      expect(r.code, r.stderr + JSON.stringify(r.lines)).toBe(0);
      const merged = await runInProcess({ ...env, PROXYSEL_ACTION: 'merge' });
      expect(merged.code, JSON.stringify(merged.lines)).toBe(0);
      expect(merged.lines.at(-1)).toMatchObject({ message: 'merged reference labels', docs: 30 });
      const labels = gzLines(await store.read('s3://data/out/reference/labels.jsonl.gz'));
      expect(labels.length).toBe(30);
      for (const l of labels) {
        expect(l.loss as number).toBeGreaterThan(0);
        expect(l.tokens as number).toBeGreaterThan(1);
      }
    } finally {
      await s3?.close();
    }
  });

  it('exits non-zero with a readable message on bad input, and on device "cuda" without a CUDA provider', async () => {
    const store = createStore();
    const output = join(root, 'out-cuda') + '/';
    const plan = await prepareRun(store, jobSpec(root + '/', output, { kind: 'onnx', model: join(root, 'model'), device: 'cuda' }));
    // The environment checks run in process (same function the entrypoint calls); the CUDA case as a real process.
    const [missing, badIndex, badCount, cuda] = await Promise.all([
      runInProcess({}),
      runInProcess({ PROXYSEL_PLAN: plan, AWS_BATCH_JOB_ARRAY_INDEX: '3', PROXYSEL_SLICE_COUNT: '2' }),
      runInProcess({ PROXYSEL_PLAN: plan, AWS_BATCH_JOB_ARRAY_INDEX: '1', PROXYSEL_SLICE_COUNT: '2' }),
      runMain({ PROXYSEL_PLAN: plan }),
    ]);
    for (const r of [missing, badIndex, badCount, cuda]) {
      expect(r.code).toBe(1);
      expect(r.lines.at(-1)).toMatchObject({ level: 'error' });
    }
    expect(missing.lines.at(-1)!.message).toMatch(/PROXYSEL_PLAN/);
    expect(badIndex.lines.at(-1)!.message).toMatch(/AWS_BATCH_JOB_ARRAY_INDEX must be below PROXYSEL_SLICE_COUNT/);
    expect(badCount.lines.at(-1)!.message).toMatch(/PROXYSEL_SLICE_COUNT is 2 but .* plans 1 reference slice/);
    // device "cuda": fails at once, saying so, and never labels on the CPU.
    expect(cuda.lines.at(-1)!.message).toMatch(/CUDA execution provider.*Not falling back to the CPU/);
    expect(await store.exists(`${output}reference/part-00000.jsonl.gz`)).toBe(false);
  });

  it('ships a GPU image on a CUDA 12 base that installs the CUDA provider, and a CPU image, both running main.ts', async () => {
    const dir = join(import.meta.dirname, '../../functions/reference-job');
    const gpu = await readFile(join(dir, 'Dockerfile.gpu'), 'utf8');
    const cpu = await readFile(join(dir, 'Dockerfile.cpu'), 'utf8');
    expect(gpu).toMatch(/^FROM nvidia\/cuda:12\.[\d.]+-cudnn-runtime/m);
    expect(gpu).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    expect(gpu).toMatch(/FROM node:22/);
    expect(cpu).toMatch(/^FROM node:22/m);
    for (const f of [gpu, cpu]) expect(f).toContain('ENTRYPOINT ["node", "--import", "tsx", "functions/reference-job/main.ts"]');
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe(gpu);
  });
});
