import { hostname } from 'node:os';
import { availableParallelism } from 'node:os';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import { createStore } from '../store/index.ts';
import type { ObjectStore, S3Options } from '../store/index.ts';
import { acquireRunLock, artifactKeys, readItems, readPlan, type RunFile, type RunFiles, type RunLock, RunLockBusyError, type StageTiming } from '../run/index.ts';
import { JobSpecError } from '../job/index.ts';
import { jobSpecSchema, resolvedOverlapProblem } from '../job/index.ts';
import { recordFailure } from './run-failure.ts';
import { noProgress, textLogger } from '../pipeline/index.ts';
import { noDisplay, type ProgressDisplay } from './progress-display.ts';
import type { PlanOutput } from '../pipeline/index.ts';
import { runPhases, timed, type StageCall } from './run-phases.ts';
import { phases, stages, summarize } from '../pipeline/stages.ts';
import { runStage } from './run-stage.ts';
import type { Logger, StageContext } from '../pipeline/index.ts';
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
  /**
   * The output's run lock (run-lock.ts): `command` names this run to whoever finds the output taken; `wait` waits for
   * the holder instead of refusing. Default: taken, named `proxysel run`.
   */
  lock?: { command?: string; wait?: boolean };
}

export interface RunJobResult {
  output: string;
  plan: string;
  manifestUri: string;
  manifest: Manifest;
  timings: StageTiming[];
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
  if (!output || error instanceof JobSpecError || error instanceof RunLockBusyError) return;
  const e = error as Error;
  // The caller reports the error it is thrown (the CLI prints it once); recording it is no second report.
  const quiet: StageContext = { ...ctx, log: { ...ctx.log, error: (m, data) => ctx.log.debug(m, data) } };
  await recordFailure(
    { ...(specUri ? { specUri } : {}), run: { output }, error: { Error: e?.name ?? 'Error', Cause: e?.message ?? String(error) } },
    quiet,
  ).catch((recordError: Error) => ctx.log.error(`could not record the failure in ${output}: ${recordError.message}`));
}

/**
 * Runs every stage of a job on this machine, in order, per-item stages in parallel on worker threads, with progress.
 * A second run of the same job resumes: units whose inputs and outputs are unchanged are skipped (markers.ts). Writes
 * run.json (times, host, output location) beside the deterministic manifest.json, then runs the report stage
 * (report.html, then _SUCCESS); a failed run writes `_FAILED` with the cause.
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

  let output: string | undefined;
  let lock: RunLock | undefined;
  try {
    // The run lock, before the first write to the output; a spec that is invalid, or whose output may not be written
    // (inside the corpus), takes none: the plan stage refuses it with every problem listed.
    const parsed = jobSpecSchema.safeParse(spec);
    if (parsed.success) {
      const target = options.output ?? parsed.data.output;
      if (!(await resolvedOverlapProblem(target, parsed.data.corpus.uri))) {
        lock = await acquireRunLock(store, target, { command: options.lock?.command ?? 'proxysel run', wait: options.lock?.wait, log });
      }
    }
    let planned!: PlanOutput;
    let run!: RunFiles;
    await timed(timings, display, 'plan', async () => {
      display.stageStart('plan', 1, 'items');
      planned = await runStage('plan', { spec, output: options.output }, ctxFor());
      run = await readPlan(store, planned.plan);
      return summarize('plan', [planned], run);
    });
    output = planned.output;
    const items = await readItems(store, run);
    // Fan-outs run on the pool; single stages, and a reference pass of one slice, in this thread.
    const call: StageCall = (stage, input, onProgress) => {
      const fanOut = stages[stage].fanOut;
      const onPool = pool && fanOut !== 'single' && !(fanOut === 'per-slice' && run.plan.referenceSlices === 1);
      return onPool ? pool.run(stage, input, onProgress) : runStage(stage, input, ctxFor(onProgress));
    };
    // run.json (this run's timings up to finalize) is written before the report phase, whose report.html shows it.
    const reportAt = phases.findIndex((p) => p.name === 'report');
    const phasesOf = { planUri: planned.plan, run, items, call, display };
    await runPhases(phases.slice(0, reportAt), phasesOf, timings);
    const manifestUri = run.uri(artifactKeys.manifest);

    const manifest = manifestSchema.parse(await store.readJson(manifestUri));
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
    await runPhases(phases.slice(reportAt), phasesOf, timings);
    return { output: run.output, plan: planned.plan, manifestUri, manifest, timings };
  } catch (error) {
    await recordLocalFailure(error, output ?? outputOfSpec(spec, options.output), options.specUri, { store, log, progress: noProgress });
    throw error;
  } finally {
    display.stop();
    await pool?.close();
    await lock?.release().catch((e: Error) => log.warn(`run lock not removed: ${e.message}`));
  }
}
