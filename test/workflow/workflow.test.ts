/**
 * The workflow test: the state machine definition that `cdk synth` produces, executed by aws-local-stepfunctions with
 * every Task bound to the real code (the Lambda handlers of functions/, in-process; the Batch task to the
 * reference-job entrypoint) over an S3-protocol server, must write the same manifest as the local runner.
 * The Distributed Maps are transformed to inline maps first; see local-workflow.ts for the exact transform.
 * One run takes the dedup shuffle's merge branch, which the plan turns on only at sizes no test reaches: the test
 * rewrites the plan right after the Plan state (afterPlan), and every state after it runs as synthesized.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { StateMachine } from 'aws-local-stepfunctions';
import { decodeGroupHeader, decodeRemovalHeader } from '../../lib/dedup/index.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { createStore } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { startRunForEvent } from '../../lib/trigger/start.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';
import { startS3rver, type RunningS3rver } from '../helpers/s3rver.ts';
import { writeTinyModelFolder } from '../../bench/lib/tiny-causal-lm.ts';
import { resolvedDefinition, stageOfFunctionArn, synthStack } from '../cdk/synth.ts';
import {
  asLambdaTask,
  batchJobTask,
  inlineDistributedMaps,
  ITEM_READER_RESOURCE,
  itemReaderHandler,
  polyfillPromiseWithResolvers,
  taskStates,
} from './local-workflow.ts';

polyfillPromiseWithResolvers();

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let server: RunningS3rver;
let store: ObjectStore;
let corpus: { dir: string; cleanup: () => Promise<void> };
let machine: StateMachine;
let localHandlers: Record<string, (input: any) => Promise<any>>;
const published: unknown[] = [];
/** Task state name -> the inputs it was invoked with. */
const invoked = new Map<string, unknown[]>();
/** Called with a Task state's name as it starts (a test's probe; unset otherwise). */
let onTask: ((state: string) => void) | undefined;
/** Rewrites the Plan state's output after the plan stage wrote plan.json, before any later state reads it (unset otherwise). */
let afterPlan: ((output: PlanStateOutput) => Promise<PlanStateOutput>) | undefined;

/** What the Plan state returns (the plan stage's output with the cloud fields), as far as the tests touch it. */
interface PlanStateOutput {
  plan: string;
  dedupGroupsUri: string;
  dedupGroups: number;
  dedupMergesUri: string;
  dedupMergeGroups: number;
  dedupMerges: number;
}
const savedEnv = { ...process.env };

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

/** The demo job over the corpus in s3rver, as a user would drop it under jobs/. */
function cloudJob(output: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return quickJob(corpus.dir, output, {
    corpus: { uri: 's3://data/corpora/demo/corpus/' },
    reference: { kind: 'ngram', text: 's3://data/corpora/demo/reference/brown-heldout.txt' },
    ...overrides,
  });
}

/** Drops the spec under jobs/ and starts it through the trigger logic with the local state machine. */
async function dropAndRun(name: string, spec: Record<string, unknown>) {
  const key = `jobs/${name}.json`;
  await store.writeJson(`s3://data/${key}`, spec);
  const head = (await store.head(`s3://data/${key}`))!;
  const event = { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'data' }, object: { key, etag: head.etag } } };
  const names = new Set<string>();
  let execution: Promise<unknown> | undefined;
  const start = async ({ name: executionName, input }: { name: string; input: { specUri: string } }) => {
    if (names.has(executionName)) return false;
    names.add(executionName);
    // The context object Step Functions gives every execution: plan and report take and remove the run lock by its name.
    execution = machine.run(input, { overrides: { taskResourceLocalHandlers: localHandlers }, context: { Execution: { Name: executionName } } as never }).result;
    return true;
  };
  const first = await startRunForEvent(event, start);
  // EventBridge delivers at least once: the duplicate maps to the same execution name and starts nothing.
  const duplicate = await startRunForEvent(event, start);
  return { first, duplicate, result: execution! };
}

/**
 * An afterPlan rewrite that cuts the plan's dedup shuffle into groups of `groupItems` consecutive items merged
 * `mergeGroups` at a time: plan.json, the DedupGatherMap's and DedupMergeMap's item lists and the Plan state's output,
 * which the DedupMerging choice reads. The layout merges only from 1,024 partitions (lib/dedup/layout.ts), far beyond
 * a test corpus; everything after the Plan state runs as synthesized.
 */
function forceMerge(groupItems: number, mergeGroups: number) {
  return async (output: PlanStateOutput): Promise<PlanStateOutput> => {
    const plan = (await store.readJson(output.plan)) as { corpus: { items: number }; dedupGroupItems: number; dedupGroups: number; dedupMergeGroups: number; dedupMerges: number };
    expect(plan.dedupMergeGroups).toBe(1);
    plan.dedupGroupItems = groupItems;
    plan.dedupGroups = Math.ceil(plan.corpus.items / groupItems);
    plan.dedupMergeGroups = mergeGroups;
    plan.dedupMerges = Math.ceil(plan.dedupGroups / mergeGroups);
    await store.writeJson(output.plan, plan);
    await store.writeJson(output.dedupGroupsUri, Array.from({ length: plan.dedupGroups }, (_, group) => ({ group })));
    await store.writeJson(output.dedupMergesUri, Array.from({ length: plan.dedupMerges }, (_, merge) => ({ merge })));
    return { ...output, dedupGroups: plan.dedupGroups, dedupMergeGroups: plan.dedupMergeGroups, dedupMerges: plan.dedupMerges };
  };
}

/** Exact deduplication over 3 partitions: the spec of the exact runs. */
const EXACT = { dedup: { kind: 'exact', partitions: 3 } };
const LOCAL_EXACT = 's3://data/selections/local-exact/';
let localExact: Promise<unknown> | undefined;
/** The exact spec through `proxysel run` (the local runner, no merge) into LOCAL_EXACT, once for the tests that compare with it. */
function localExactRun(): Promise<unknown> {
  localExact ??= runJob(cloudJob(LOCAL_EXACT, EXACT), { s3: server.s3, output: LOCAL_EXACT, workers: 0, log: silentLogger });
  return localExact;
}

beforeAll(async () => {
  server = await startS3rver(['data']);
  // The handlers build their store from the environment, as on Lambda.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  store = createStore({ s3: server.s3 });
  corpus = await smallDemoCorpus(0.05);
  for (const file of await listFiles(corpus.dir)) {
    if (file.startsWith('corpus/') || file.startsWith('reference/')) {
      await store.write(`s3://data/corpora/demo/${file}`, await readFile(join(corpus.dir, file)));
    }
  }
  // A tiny causal LM (ONNX + tokenizer.json) for the GPU reference route, under models/ as a user would put it.
  const model = join(corpus.dir, '..', 'tiny-model');
  await writeTinyModelFolder(model, { merges: 30, width: 16, positionIds: true, seed: 5, scale: 1.5 });
  for (const file of await listFiles(model)) await store.write(`s3://data/models/tiny/${file}`, await readFile(join(model, file)));
  // A prebuilt image stands in for the reference-job Docker asset: it only changes the job definition's image, not the
  // state machine, and spares staging the build context.
  const { template } = synthStack({ referenceBatch: { image: ecs.ContainerImage.fromRegistry('proxysel/reference-job:test') } });
  const { definition, loaders } = inlineDistributedMaps(resolvedDefinition(template) as any);
  machine = new StateMachine(definition as unknown as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { checkPaths: false } });

  // Imported after the environment is set: the handlers create their loggers at import.
  const { handlers } = (await import('../../functions/index.ts')) as { handlers: Record<string, Handler> };
  const { runReferenceJob } = await import('../../functions/reference-job/main.ts');
  const stageOf = stageOfFunctionArn(template);
  localHandlers = {};
  for (const [name, state] of taskStates(definition)) {
    const resource = state.Resource as string;
    if (loaders.includes(name)) {
      expect(resource).toBe(ITEM_READER_RESOURCE);
      localHandlers[name] = itemReaderHandler((uri) => store.readJson(uri));
    } else if (stageOf.has(resource)) {
      localHandlers[name] = asLambdaTask(handlers[stageOf.get(resource)!]!);
    } else if (resource === 'arn:aws:states:::batch:submitJob.sync') {
      localHandlers[name] = batchJobTask((env) => runReferenceJob(env, silentLogger), process.env);
    } else if (resource === 'arn:aws:states:::events:putEvents') {
      localHandlers[name] = async (input: { Entries: unknown[] }) => {
        published.push(...input.Entries);
        return { Entries: input.Entries.map((_, i) => ({ EventId: `local-${i}` })), FailedEntryCount: 0 };
      };
    } else {
      throw new Error(`task state ${name}: no local binding for ${resource}`);
    }
    const bound = localHandlers[name]!;
    localHandlers[name] = async (input) => {
      invoked.set(name, [...(invoked.get(name) ?? []), input]);
      onTask?.(name);
      const output = await bound(input);
      return name === 'Plan' && afterPlan ? afterPlan(output as PlanStateOutput) : output;
    };
  }
  // Synth bundles the Lambda code and the corpus and model are built: minutes on a loaded machine.
}, 300_000);

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  await server?.close();
  await corpus?.cleanup();
});

describe('the synthesized workflow, executed locally over s3rver', () => {
  it('transforms exactly the eight Distributed Maps and binds every Task state to real code', () => {
    const names = Object.keys(localHandlers).sort();
    expect(names).toEqual(
      [
        'Plan', 'SampleMapItems', 'Sample', 'MergeSample', 'ReferenceLambda', 'ReferenceBatchArray', 'ReferenceBatchJob',
        'MergeLabels', 'Fit', 'ScoreMapItems', 'Score', 'DedupGatherMapItems', 'DedupGather', 'DedupMergeMapItems', 'DedupMerge', 'DedupMapItems', 'Dedup', 'DedupRemovalsMapItems', 'DedupRemovals', 'DedupClusters', 'Reduce', 'CountMapItems', 'Count', 'Settle', 'SelectMapItems', 'Select', 'Finalize', 'Report',
        'SelectionCompleted', 'RecordFailure',
      ].sort(),
    );
  });

  it('writes a manifest byte-identical to the local runner\'s for the same spec (near-duplicate removal on), and publishes SelectionCompleted', async () => {
    invoked.clear();
    const spec = cloudJob('s3://data/selections/wf/', { dedup: { kind: 'minhash', bands: 28, rows: 4, threshold: 0.6, partitions: 3 } });
    const { first, duplicate, result } = await dropAndRun('wf', spec);
    expect(first.started).toBe(true);
    expect(duplicate).toEqual({ ...first, started: false });
    const output = (await result) as { specUri: string; run: { output: string }; result: { manifest: string } };
    expect(output.specUri).toBe('s3://data/jobs/wf.json');
    expect(await store.exists('s3://data/selections/wf/_SUCCESS')).toBe(true);
    expect(await store.exists('s3://data/selections/wf/_FAILED')).toBe(false);

    // The same spec through `proxysel run` (the local runner), into another prefix: specHash excludes the output.
    await runJob(spec, { s3: server.s3, output: 's3://data/selections/local/', workers: 0, log: silentLogger });
    const cloud = await store.read('s3://data/selections/wf/manifest.json');
    const local = await store.read('s3://data/selections/local/manifest.json');
    expect(cloud.toString()).toBe(local.toString());
    const manifest = JSON.parse(cloud.toString()) as { selected: { docs: number; tokens: number; tokenCount: string; shortfall?: { amount: number } }; budget: { tokens: number }; dedup: { docsRemoved: number } };
    expect(manifest.selected.docs).toBeGreaterThan(0);
    // Counted exactly (CountMap, Settle) and filled in real tokens, in the cloud as locally.
    expect(manifest.selected.tokenCount).toBe('exact');
    expect(manifest.dedup.docsRemoved).toBeGreaterThan(0);
    // DedupGatherMap ran one child per group of items, the DedupMerging choice skipped the DedupMergeMap (one group:
    // the plan merges nothing), DedupMap one per partition, DedupRemovalsMap one per unit of the shuffle's top level
    // (here the group; with nothing to write for MinHash), then one DedupClusters.
    expect((invoked.get('DedupGather') as { group: number }[]).map((i) => i.group).sort()).toEqual([0]);
    expect(invoked.get('DedupMerge')).toBeUndefined();
    expect((invoked.get('Dedup') as { partition: number }[]).map((i) => i.partition).sort()).toEqual([0, 1, 2]);
    expect((invoked.get('DedupRemovals') as { merge: number }[]).map((i) => i.merge).sort()).toEqual([0]);
    expect(invoked.get('DedupClusters')).toHaveLength(1);
    // Finalize writes the manifest only; the Report state renders report.html, then writes _SUCCESS.
    expect(invoked.get('Report')).toEqual([{ plan: 's3://data/selections/wf/plan.json', execution: expect.stringMatching(/^wf-/) }]);
    expect(await store.exists('s3://data/selections/wf/report.html')).toBe(true);
    // Plan took the output's run lock for the execution; Report removed it after _SUCCESS.
    expect(invoked.get('Plan')).toEqual([expect.objectContaining({ execution: expect.stringMatching(/^wf-/) })]);
    expect(await store.exists('s3://data/selections/wf/_LOCK')).toBe(false);
    expect(manifest.selected.tokens).toBeLessThanOrEqual(manifest.budget.tokens);
    // Filled to the budget, or short by what the manifest names (a budget is a ceiling for the default policy).
    if (manifest.selected.shortfall) expect(manifest.selected.shortfall.amount).toBeCloseTo(manifest.budget.tokens - manifest.selected.tokens, 6);
    else expect(manifest.selected.tokens).toBeGreaterThanOrEqual(0.99 * manifest.budget.tokens);

    // ScoreMap ran in ItemBatcher batches over the same items: every item has its scores.
    const items = (await store.readJson('s3://data/selections/wf/plan/items.json')) as { id: string }[];
    expect(items.length).toBeGreaterThan(1);
    for (const item of items) expect(await store.exists(`s3://data/selections/wf/scores/${item.id}.parquet`)).toBe(true);

    expect(published).toHaveLength(1);
    const event = published[0] as { Source: string; DetailType: string; Detail: unknown };
    expect(event.Source).toBe('proxysel');
    expect(event.DetailType).toBe('SelectionCompleted');
    // Step Functions passes an object Detail through as JSON text; the local run hands over the object itself.
    const detail: unknown = typeof event.Detail === 'string' ? JSON.parse(event.Detail) : event.Detail;
    expect(detail).toMatchObject({ specUri: 's3://data/jobs/wf.json', manifest: output.result.manifest });
  }, 300_000);

  it('decides exact copies per partition in the cloud as locally: DedupRemovalsMap writes the same removal lists, the manifest is byte-identical', async () => {
    invoked.clear();
    const spec = cloudJob('s3://data/selections/wf-exact/', EXACT);
    const { result } = await dropAndRun('wf-exact', spec);
    await result;
    await localExactRun();
    const cloud = await store.read('s3://data/selections/wf-exact/manifest.json');
    expect(cloud.toString()).toBe((await store.read('s3://data/selections/local-exact/manifest.json')).toString());
    const summary = (await store.readJson('s3://data/selections/wf-exact/dedup/summary.json')) as { docsRemoved: number; itemsWithRemovals: string[] };
    expect(summary.docsRemoved).toBeGreaterThan(0);
    expect(summary.itemsWithRemovals.length).toBeGreaterThan(0);
    for (const item of summary.itemsWithRemovals) {
      const key = `dedup/removed/${item}.json`;
      expect((await store.read(`s3://data/selections/wf-exact/${key}`)).equals(await store.read(`s3://data/selections/local-exact/${key}`))).toBe(true);
    }
    // Every partition decided its copies (removal files, no pair files); the removal lists came from DedupRemovals.
    expect((invoked.get('Dedup') as { partition: number }[]).map((i) => i.partition).sort()).toEqual([0, 1, 2]);
    expect(invoked.get('DedupRemovals')!.length).toBeGreaterThan(0);
    for (const p of [0, 1, 2]) expect(await store.exists(`s3://data/selections/wf-exact/dedup/removals/p-0000${p}.bin`)).toBe(true);
    expect(await store.exists('s3://data/selections/wf-exact/dedup/pairs/p-00000.bin')).toBe(false);
  }, 300_000);

  it('takes the merge branch when the plan merges group files: DedupMerge once per merged group, the partitions and removal lists read the merged files, the removal lists and manifest are byte-identical to the local run without a merge', async () => {
    invoked.clear();
    const out = 's3://data/selections/wf-merge/';
    // Requests by phase: taken as the DedupMap starts loading its items and as the DedupRemovalsMap does.
    const taken = new Map<string, string[]>();
    onTask = (state) => {
      if (state === 'DedupMapItems' || state === 'DedupRemovalsMapItems') taken.set(state, server.takeRequests());
    };
    // Groups of 2 consecutive items merged 2 at a time: the demo's 10 items make 5 groups, 3 merged groups (2 + 2 + 1).
    const groupItems = 2;
    const mergeGroups = 2;
    afterPlan = forceMerge(groupItems, mergeGroups);
    try {
      const { result } = await dropAndRun('wf-merge', cloudJob(out, EXACT));
      await result;
    } finally {
      onTask = undefined;
      afterPlan = undefined;
    }
    const plan = (await store.readJson(`${out}plan.json`)) as { corpus: { items: number }; dedupPartitions: number; dedupGroups: number; dedupMergeGroups: number; dedupMerges: number };
    const { dedupGroups: G, dedupMerges: top } = plan;
    expect(plan.dedupMergeGroups).toBe(mergeGroups);
    expect(top).toBeGreaterThanOrEqual(2);
    expect(top).toBeLessThan(G); // at least one merged group holds 2 group files
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);

    // The DedupMerging choice went to the DedupMergeMap: gather, merge, partitions, removal lists, clusters, in order.
    expect([...invoked.keys()].filter((state) => state.startsWith('Dedup'))).toEqual([
      'DedupGatherMapItems', 'DedupGather', 'DedupMergeMapItems', 'DedupMerge', 'DedupMapItems', 'Dedup', 'DedupRemovalsMapItems', 'DedupRemovals', 'DedupClusters',
    ]);
    const units = (state: string, field: string) => (invoked.get(state) as Record<string, number>[]).map((i) => i[field]).sort((a, b) => a! - b!);
    expect(units('DedupGather', 'group')).toEqual(range(G));
    expect(units('DedupMerge', 'merge')).toEqual(range(top));
    expect(units('Dedup', 'partition')).toEqual(range(plan.dedupPartitions));
    expect(units('DedupRemovals', 'merge')).toEqual(range(top));

    // Each merged file holds the items of its group files, consecutively.
    const merged = range(top).map((k) => `dedup/merged/m-${String(k).padStart(5, '0')}.bin`);
    const items = plan.corpus.items;
    for (const [k, key] of merged.entries()) {
      const file = await store.read(`${out}${key}`);
      const first = k * mergeGroups * groupItems;
      const header = decodeGroupHeader(file, plan.dedupPartitions, key);
      expect(header.firstItem).toBe(first);
      expect(header.itemDocs).toHaveLength(Math.min(items, first + mergeGroups * groupItems) - first);
    }
    // The partitions read the merged files (a header and their section of each), no group file.
    const partitionReads = taken.get('DedupRemovalsMapItems')!.filter((r) => /^GET .*\/dedup\/(groups|merged)\//.test(r));
    expect(new Set(partitionReads)).toEqual(new Set(merged.map((key) => `GET /data/selections/wf-merge/${key}`)));
    // Their removal files are laid out by merged group, which DedupRemovals read back.
    for (const p of range(plan.dedupPartitions)) {
      const key = `dedup/removals/p-${String(p).padStart(5, '0')}.bin`;
      expect(decodeRemovalHeader(await store.read(`${out}${key}`), top, key).sections).toHaveLength(top);
    }

    // The same decisions as without a merge: removal lists, summary and manifest byte-identical to the local run's.
    await localExactRun();
    const summary = (await store.readJson(`${out}dedup/summary.json`)) as { docsRemoved: number; itemsWithRemovals: string[] };
    expect(summary.docsRemoved).toBeGreaterThan(0);
    expect(summary.itemsWithRemovals.length).toBeGreaterThan(1);
    for (const key of ['dedup/summary.json', ...summary.itemsWithRemovals.map((item) => `dedup/removed/${item}.json`), 'manifest.json']) {
      expect((await store.read(`${out}${key}`)).toString(), key).toBe((await store.read(`${LOCAL_EXACT}${key}`)).toString());
    }
    expect(await store.list(`${out}dedup/removed/`)).toHaveLength(summary.itemsWithRemovals.length);
  }, 300_000);

  it('takes the Catch path on a bad record with onBadRecord "fail": the run fails and _FAILED holds a readable cause', async () => {
    const spec = cloudJob('s3://data/selections/wf-fail/', { corpus: { uri: 's3://data/corpora/demo/corpus/', onBadRecord: 'fail' } });
    const { result } = await dropAndRun('wf-fail', spec);
    const failure = await result.then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.name).toBe('ExecutionError');
    const record = (await store.readJson('s3://data/selections/wf-fail/_FAILED')) as Record<string, string>;
    expect(await store.exists('s3://data/selections/wf-fail/_LOCK')).toBe(false); // RecordFailure removed the execution's lock
    expect(record.specUri).toBe('s3://data/jobs/wf-fail.json');
    expect(record.output).toBe('s3://data/selections/wf-fail/');
    expect(record.error).toBe('BadRecordError');
    // The Lambda error JSON is unwrapped to its message, which names the stage, the shard and the line.
    expect(record.cause).toMatch(/^sample: .*part-\d+\.jsonl(\.gz)? (line|byte) \d+: /);
    expect(record.cause).not.toContain('errorMessage');
    expect(await store.exists('s3://data/selections/wf-fail/_SUCCESS')).toBe(false);
  });

  it('records a spec refused before its plan as jobs/<spec>.FAILED (an output inside the corpus), writing nothing there', async () => {
    const spec = cloudJob('s3://data/corpora/demo/corpus/selected/');
    const { result } = await dropAndRun('wf-refused', spec);
    const failure = await result.then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.name).toBe('ExecutionError');
    const record = (await store.readJson('s3://data/jobs/wf-refused.json.FAILED')) as Record<string, string>;
    expect(record.specUri).toBe('s3://data/jobs/wf-refused.json');
    expect(record.output).toBeUndefined();
    expect(record.cause).toMatch(/output: .*lies inside corpus\.uri/);
    expect(await store.list('s3://data/corpora/demo/corpus/selected/')).toEqual([]);
  });

  it('routes an onnx reference to the Batch array job, whose children run the reference-job entrypoint', async () => {
    invoked.clear();
    // 2001 planned sample documents make two reference slices: an array job of size 2 (the corpus holds fewer).
    const spec = cloudJob('s3://data/selections/wf-onnx/', {
      sample: { docs: 2001, seed: 7 },
      reference: { kind: 'onnx', model: 's3://data/models/tiny/', maxTokens: 32, batchSize: 16 },
    });
    const { result } = await dropAndRun('wf-onnx', spec);
    await result;
    expect(invoked.has('ReferenceLambda')).toBe(false);
    expect(invoked.has('ReferenceBatchJob')).toBe(false);
    const submitted = invoked.get('ReferenceBatchArray') as { ArrayProperties: { Size: number }; ContainerOverrides: { Environment: { Name: string; Value: string }[] } }[];
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.ArrayProperties).toEqual({ Size: 2 });
    expect(submitted[0]!.ContainerOverrides.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'PROXYSEL_PLAN', Value: 's3://data/selections/wf-onnx/plan.json' },
        { Name: 'PROXYSEL_REFERENCE_SLICES', Value: '2' },
      ]),
    );
    for (const part of ['reference/part-00000.jsonl.gz', 'reference/part-00001.jsonl.gz', 'reference/labels.jsonl.gz', '_SUCCESS']) {
      expect(await store.exists(`s3://data/selections/wf-onnx/${part}`)).toBe(true);
    }
  }, 300_000);
});
