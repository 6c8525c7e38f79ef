/**
 * The loop of the local runners (`proxysel run`, `proxysel select`) over the stage registry: each phase's stages in
 * order, each stage's calls built from its fan-out kind, one timing row per phase from the stages' summaries.
 */
import type { WorkItem } from '../corpus/index.ts';
import type { RunFiles, StageTiming } from '../run/index.ts';
import type { ProgressDisplay } from './progress-display.ts';
import { countAndSettle, type SettleOutput } from '../pipeline/index.ts';
import { stages, summarize, type Phase, type StageName } from '../pipeline/stages.ts';

export type ProgressDelta = { docs?: number; bytes?: number };

/** Runs one call of a stage (in this thread, or on a worker); `onProgress` hears its progress. */
export type StageCall = (stage: StageName, input: unknown, onProgress?: (delta: ProgressDelta) => void) => Promise<unknown>;

/**
 * Like Promise.all, but waits for every call to end before failing with the first error, so nothing is still writing
 * into the output when the run reports its failure.
 */
export async function settleAll<T>(calls: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** The inputs of a stage's calls in this run: one per unit of its fan-out, with `extra` fields for single stages. */
export function unitInputs(stage: StageName, planUri: string, run: RunFiles, items: WorkItem[], extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  switch (stages[stage].fanOut) {
    case 'single':
      return [{ plan: planUri, ...extra }];
    case 'per-item':
      return items.map((item) => ({ plan: planUri, item }));
    case 'per-item-batch':
      return items.map((item) => ({ plan: planUri, items: [item] }));
    case 'per-slice':
      return range(run.plan.referenceSlices).map((index) => ({ plan: planUri, index, count: run.plan.referenceSlices }));
    case 'per-group':
      return range(run.plan.dedupGroups).map((group) => ({ plan: planUri, group }));
    case 'per-merge':
      if (stages[stage].mergesOnly && run.plan.dedupMergeGroups <= 1) return [];
      return range(run.plan.dedupMerges).map((merge) => ({ plan: planUri, merge }));
    case 'per-partition':
      return range(run.plan.dedupPartitions).map((partition) => ({ plan: planUri, partition }));
  }
}

/** Records a phase's time and line, and shows its end. */
export async function timed(timings: StageTiming[], display: ProgressDisplay, phase: string, body: () => Promise<string>): Promise<void> {
  const t0 = performance.now();
  const detail = await body();
  const seconds = (performance.now() - t0) / 1000;
  timings.push({ stage: phase, seconds, detail });
  display.stageEnd(phase, `${detail} in ${seconds.toFixed(1)} s`);
}

export interface RunPhasesOptions {
  planUri: string;
  run: RunFiles;
  items: WorkItem[];
  call: StageCall;
  display: ProgressDisplay;
  /** Extra input fields of single stages (re-selection's budget and policy for reduce). */
  extra?: Partial<Record<StageName, Record<string, unknown>>>;
  /** Calls of one fan-out at a time (default: all at once). */
  concurrency?: number;
}

/** Runs `units` through `call`, at most `concurrency` at a time, in order of their results. */
async function mapLimited<T, R>(units: T[], concurrency: number, call: (unit: T) => Promise<R>): Promise<R[]> {
  if (concurrency >= units.length) return settleAll(units.map(call));
  const out: R[] = [];
  for (let i = 0; i < units.length; i += concurrency) out.push(...(await settleAll(units.slice(i, i + concurrency).map(call))));
  return out;
}

/** Runs the phases in order; appends one timing row per phase that ran. */
export async function runPhases(list: readonly Phase[], options: RunPhasesOptions, timings: StageTiming[]): Promise<void> {
  const { planUri, run, items, call, display } = options;
  for (const phase of list) {
    if (phase.when && !phase.when(run)) continue;
    await timed(timings, display, phase.name, async () => {
      const outputs = new Map<StageName, unknown[]>(phase.stages.map((s) => [s, []]));
      const first = phase.stages[0]!;
      // Progress: the sample's documents for the reference pass, calls of the fan-outs for every other phase.
      const inDocs = stages[first].fanOut === 'per-slice';
      const fanOuts = phase.stages.filter((name) => stages[name].fanOut !== 'single');
      // A phase of single stages (fit, reduce, ...) counts as one call.
      const calls = fanOuts.reduce((n, name) => n + unitInputs(name, planUri, run, items).length, 0);
      const units = inDocs ? run.plan.spec.sample.docs : fanOuts.length > 0 ? calls : 1;
      // Items for the fan-outs over work items; the dedup phase's units are groups, merges and partitions: calls.
      display.stageStart(phase.name, units, inDocs ? 'docs' : fanOuts.every((name) => stages[name].fanOut.startsWith('per-item')) ? 'items' : 'calls');
      const onProgress = inDocs ? (d: ProgressDelta) => display.advance(d.docs ?? 0) : undefined;
      /** All calls of one stage; returns the last one's output. */
      const callAll = async (name: StageName): Promise<unknown> => {
        const fanOut = stages[name].fanOut !== 'single';
        const outs = await mapLimited(unitInputs(name, planUri, run, items, options.extra?.[name]), options.concurrency ?? Infinity, async (input) => {
          const out = await call(name, input, onProgress);
          if (fanOut && !inDocs) display.advance(1);
          return out;
        });
        outputs.get(name)!.push(...outs);
        return outs.at(-1);
      };
      if (phase.repeat === 'until-settled') {
        const settle = phase.stages.at(-1)!;
        await countAndSettle(
          async () => {
            for (const name of phase.stages.slice(0, -1)) await callAll(name);
          },
          async () => (await callAll(settle)) as SettleOutput,
        );
      } else {
        for (const name of phase.stages) await callAll(name);
      }
      return phase.stages
        .map((name) => summarize(name, outputs.get(name)! as never[], run))
        .filter((part) => part !== '')
        .join(', ');
    });
  }
}
