import { hostname } from 'node:os';
import { availableParallelism } from 'node:os';
import type { WorkItem } from '../corpus/types.ts';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import { writeReport } from '../report/index.ts';
import { createStore } from '../store/index.ts';
import type { ObjectStore, S3Options } from '../store/types.ts';
import { artifactKeys, readItems, readPlan, type RunFile, type StageTiming } from '../run/index.ts';
import { JobSpecError } from '../job/errors.ts';
import { jobSpecSchema } from '../job/spec.ts';
import { recordFailure } from '../trigger/failure.ts';
import { noProgress, textLogger } from './context.ts';
import { noDisplay, type ProgressDisplay } from './progress-display.ts';
import { markSuccess } from './run-state.ts';
import { countAndSettle } from './settle.ts';
import { stages } from './stages.ts';
import type { Logger, StageContext } from './types.ts';
import { StageWorkerPool } from './worker-pool.ts';

export interface RunJobOptions {
  /** Store for the main thread (default: createStore({ s3 })). */
  store?: ObjectStore;
  /** S3-compatible endpoint settings, passed to every worker thread too. */
  s3?: S3Options;
  /** Worker threads for per-item stages (default: the machine's parallelism). 0 runs everything in this thread. */
  workers?: number;
  /** Overrides the spec's output location. */
  output?: string;
  display?: ProgressDisplay;
  log?: Logger;
  /** The spec's URI, recorded in `_FAILED` when the run fails (`proxysel watch`). */
  specUri?: string;
}

export interface RunJobResult {
  output: string;
  plan: string;
  manifestUri: string;
  manifest: Manifest;
  timings: StageTiming[];
}

/**
 * Like Promise.all, but waits for every call to end before failing with the first error, so nothing is still writing
 * into the output when the run reports its failure.
 */
async function settleAll<T>(calls: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Where a spec that failed before its plan was written sends its outputs: none when the spec itself is invalid. */
function outputOfSpec(spec: unknown, override: string | undefined): string | undefined {
  const parsed = jobSpecSchema.safeParse(spec);
  return parsed.success ? (override ?? parsed.data.output) : undefined;
}

/**
 * Writes `_FAILED` (error and cause) into the output of a failed run, as the cloud workflow's Catch does; not for an
 * invalid spec, whose output may be the very place it must not write to (the corpus, for one).
 */
async function recordLocalFailure(error: unknown, output: string | undefined, specUri: string | undefined, ctx: StageContext): Promise<void> {
  if (!output || error instanceof JobSpecError) return;
  const e = error as Error;
  await recordFailure(
    { ...(specUri ? { specUri } : {}), run: { output }, error: { Error: e?.name ?? 'Error', Cause: e?.message ?? String(error) } },
    ctx,
  ).catch((recordError: Error) => ctx.log.error(`could not record the failure in ${output}: ${recordError.message}`));
}

/**
 * Runs every stage of a job on this machine, in order, per-item stages in parallel on worker threads, with progress.
 * A second run of the same job resumes: units whose inputs and outputs are unchanged are skipped (markers.ts). Writes
 * run.json (times, host, output location) beside the deterministic manifest.json, then report.html, then _SUCCESS; a
 * failed run writes `_FAILED` with the cause.
 */
export async function runJob(spec: unknown, options: RunJobOptions = {}): Promise<RunJobResult> {
  const store = options.store ?? createStore({ s3: options.s3 });
  const display = options.display ?? noDisplay;
  const log = options.log ?? textLogger((line) => display.print(line));
  const ctxFor = (onProgress: (delta: { docs?: number; bytes?: number }) => void = () => {}): StageContext => ({
    store,
    log,
    progress: { add: onProgress },
  });
  const startedAt = new Date();
  const timings: StageTiming[] = [];
  const workers = options.workers ?? Math.max(1, availableParallelism());
  const pool = workers > 0 ? new StageWorkerPool(workers, { s3: options.s3, log }) : undefined;

  async function timed<T>(stage: string, body: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const t0 = performance.now();
    const { value, detail } = await body();
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ stage, seconds, detail });
    display.stageEnd(stage, `${detail} in ${seconds.toFixed(1)} s`);
    return value;
  }

  /** Runs a per-item stage over all items, on the pool when there is one; progress in items. */
  async function overItems<R>(stage: 'sample' | 'count' | 'select', items: WorkItem[], planUri: string): Promise<R[]> {
    display.stageStart(stage, items.length, 'items');
    const call = (item: WorkItem) => {
      const done = pool
        ? pool.run(stage, { plan: planUri, item })
        : (stages[stage] as (i: unknown, c: StageContext) => Promise<unknown>)({ plan: planUri, item }, ctxFor());
      return (done as Promise<R>).then((r) => {
        display.advance(1);
        return r;
      });
    };
    return settleAll(items.map(call));
  }

  let output: string | undefined;
  try {
    const planned = await timed('plan', async () => {
      display.stageStart('plan', 1, 'items');
      const value = await stages.plan({ spec, output: options.output }, ctxFor());
      return { value, detail: `${value.items} work item(s)` };
    });
    output = planned.output;
    const run = await readPlan(store, planned.plan);
    const items = await readItems(store, run);

    await timed('sample', async () => {
      const outs = await overItems<{ sampled: number; docs: number }>('sample', items, planned.plan);
      await stages.mergeSample({ plan: planned.plan }, ctxFor());
      const docs = outs.reduce((a, o) => a + o.docs, 0);
      const sampled = outs.reduce((a, o) => a + o.sampled, 0);
      return { value: undefined, detail: `${sampled} of ${docs} documents sampled` };
    });

    await timed('reference', async () => {
      const slices = run.plan.referenceSlices;
      display.stageStart('reference', run.plan.spec.sample.docs, 'docs');
      const onProgress = (d: { docs?: number }) => display.advance(d.docs ?? 0);
      const outs = await settleAll(
        Array.from({ length: slices }, (_, index) => {
          const input = { plan: planned.plan, index, count: slices };
          return pool && slices > 1 ? pool.run('reference', input, onProgress) : stages.reference(input, ctxFor(onProgress));
        }),
      );
      await stages.mergeLabels({ plan: planned.plan }, ctxFor());
      const docs = outs.reduce((a, o) => a + o.docs, 0);
      const tokens = outs.reduce((a, o) => a + o.tokens, 0);
      return { value: undefined, detail: `${docs} documents, ${tokens} tokens labelled by the ${run.plan.spec.reference.kind} model` };
    });

    await timed('fit', async () => {
      display.stageStart('fit', 1, 'items');
      const value = await stages.fit({ plan: planned.plan }, ctxFor());
      return { value, detail: `${value.members} member(s), held-out Spearman ${value.fidelity.spearman.toFixed(3)}` };
    });

    await timed('score', async () => {
      display.stageStart('score', items.length, 'items');
        const outs = await settleAll(
        items.map((item) => {
          const input = { plan: planned.plan, items: [item] };
          const p = pool ? pool.run('score', input) : stages.score(input, ctxFor());
          return p.then((r) => {
            display.advance(1);
            return r;
          });
        }),
      );
      const all = outs.flatMap((o) => o.items);
      const docs = all.reduce((a, o) => a + o.docs, 0);
      const bad = all.reduce((a, o) => a + o.badRecords, 0);
      return { value: undefined, detail: `${docs} documents scored${bad ? `, ${bad} bad record(s) skipped` : ''}` };
    });

    if (run.plan.dedupPartitions > 0) {
      await timed('dedup', async () => {
        const partitions = run.plan.dedupPartitions;
        display.stageStart('dedup', partitions, 'items');
        const outs = await settleAll(
          Array.from({ length: partitions }, (_, partition) => {
            const input = { plan: planned.plan, partition };
            const p = pool ? pool.run('dedup', input) : stages.dedup(input, ctxFor());
            return p.then((r) => {
              display.advance(1);
              return r;
            });
          }),
        );
        const found = await stages.dedupClusters({ plan: planned.plan }, ctxFor());
        const pairs = outs.reduce((a, o) => a + o.pairs, 0);
        return { value: undefined, detail: `${pairs} verified pair(s), ${found.clusters} cluster(s), ${found.docsRemoved} duplicate(s) removed` };
      });
    }

    await timed('reduce', async () => {
      display.stageStart('reduce', 1, 'items');
      const { estimate } = await stages.reduce({ plan: planned.plan }, ctxFor());
      return { value: undefined, detail: `on estimates the threshold fills ${estimate.tokens} tokens / ${estimate.docs} documents` };
    });

    await timed('count', async () => {
      let candidates = 0;
      let tokenized = 0;
      const settled = await countAndSettle(
        async () => {
          const outs = await overItems<{ candidates: number; tokenized: number }>('count', items, planned.plan);
          candidates = outs.reduce((a, o) => a + o.candidates, 0);
          tokenized += outs.reduce((a, o) => a + o.tokenized, 0);
        },
        () => stages.settle({ plan: planned.plan }, ctxFor()),
      );
      const passes = settled.passes > 1 ? ` in ${settled.passes} passes` : '';
      return { value: undefined, detail: `${tokenized} of ${candidates} candidate documents tokenized${passes}` };
    });

    await timed('select', async () => {
      const outs = await overItems<{ docs: number; tokens: number }>('select', items, planned.plan);
      const docs = outs.reduce((a, o) => a + o.docs, 0);
      return { value: undefined, detail: `${docs} documents written` };
    });

    const finalized = await timed('finalize', async () => {
      display.stageStart('finalize', 1, 'items');
      const value = await stages.finalize({ plan: planned.plan, report: false }, ctxFor());
      return { value, detail: `manifest.json` };
    });

    const manifest = manifestSchema.parse(await store.readJson(finalized.manifest));
    const runFile: RunFile = {
      name: run.plan.name,
      output: run.output,
      corpus: run.plan.corpus.uri,
      host: hostname(),
      node: process.version,
      workers,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      stages: timings,
    };
    await store.writeJson(run.uri(artifactKeys.run), runFile);
    // The report is rendered once, here, so that it shows this run's per-stage timings from run.json; _SUCCESS after it.
    await writeReport(store, run.output);
    await markSuccess(store, run.output);
    return { output: run.output, plan: planned.plan, manifestUri: finalized.manifest, manifest, timings };
  } catch (error) {
    await recordLocalFailure(error, output ?? outputOfSpec(spec, options.output), options.specUri, { store, log, progress: noProgress });
    throw error;
  } finally {
    display.stop();
    await pool?.close();
  }
}
