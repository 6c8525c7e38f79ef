import { formatZodError } from '../validate/index.ts';
import { policyKind, policySchema, type PolicySpec } from '../select/index.ts';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import { joinUri } from '../store/index.ts';
import type { ObjectStore } from '../store/index.ts';
import { acquireRunLock, artifactKeys, beginRun, describeHolder, lockHolder, readItems, readPlan, RunLockBusyError, type StageTiming } from '../run/index.ts';
import { InvalidOptionError, JobSpecError, type PlanBudget, resolvedOverlapProblem } from '../job/index.ts';
import { noProgress } from '../pipeline/index.ts';
import { noDisplay } from './progress-display.ts';
import { runPhases, type StageCall } from './run-phases.ts';
import { phases } from '../pipeline/stages.ts';
import { runStage } from './run-stage.ts';
import type { Logger, StageContext } from '../pipeline/index.ts';

/** A new selection over a finished run's scores (`proxysel select`'s flags, parsed by lib/cli/select.ts). */
export interface Reselection {
  /** The new budget; the run's when absent. */
  budget?: PlanBudget;
  /** Policy fields to change (`kind`, `lambda`, a kind's own); the rest, and the kind when absent, are the run's. */
  policy?: Record<string, unknown>;
}

export interface ReselectOptions extends Reselection {
  /**
   * What to do when the output already holds a selection (manifest.json of a finished run or an earlier select):
   * `replace` it (the default of the library call), or `refuse` with an InvalidOptionError naming `--force` (the CLI's
   * default), so the previous selection, manifest and report are never replaced without a word.
   */
  ifSelected?: 'replace' | 'refuse';
}

/** The files a selection consists of, which a new one replaces. */
const SELECTION_FILES = [artifactKeys.manifest, artifactKeys.report, artifactKeys.threshold, 'selected/'];

/** The run's policy with the fields a selection changes, validated (InvalidOptionError), and checked against the run's target. */
function policyOption(base: PolicySpec, fields: Record<string, unknown> | undefined, target: 'loss' | 'reducible'): PolicySpec | undefined {
  if (fields === undefined) return undefined;
  const { kind, ...rest } = fields;
  const parsed = policySchema.safeParse({ kind: kind ?? base.kind, filters: base.filters, ...rest });
  if (!parsed.success) throw new InvalidOptionError(`policy options: ${formatZodError(parsed.error)}`);
  const needs = policyKind(parsed.data.kind).needsTarget;
  if (needs !== undefined && target !== needs) {
    throw new InvalidOptionError(`--policy ${parsed.data.kind} needs a run whose proxy learned the ${needs} loss; this run's target is "${target}"`);
  }
  return parsed.data;
}

/**
 * Re-runs the phases from reduce on (reduce, count with settle, select, finalize, report; the exact tokens of the new boundary
 * region re-use the counts made before) over a finished run's stored scores with a new budget or policy, in this
 * thread, one call at a time: seconds, not a new scoring pass (scores are kept apart from selection).
 */
export async function reselect(
  output: string,
  opts: ReselectOptions,
  deps: { store: ObjectStore; log: Logger; lock?: { command?: string; wait?: boolean } },
): Promise<{ manifest: Manifest; timings: StageTiming[] }> {
  const planUri = joinUri(output, artifactKeys.plan);
  const ctx: StageContext = { store: deps.store, log: deps.log, progress: noProgress };
  const run = await readPlan(deps.store, planUri).catch(async (error: unknown) => {
    // A first run still planning holds the lock and has no plan.json yet: say it is busy, not that nothing is there.
    const holder = await lockHolder(deps.store, output);
    if (holder) throw new RunLockBusyError(`${output} is in use by ${describeHolder(holder)}; wait for it to end, or pass --wait`);
    throw error;
  });
  const budget = opts.budget;
  const policy = policyOption(run.plan.spec.policy, opts.policy, run.plan.spec.target);
  const overlap = await resolvedOverlapProblem(output, run.plan.corpus.uri);
  if (overlap) throw new JobSpecError(planUri, [`output: ${overlap}`]);
  if (opts.ifSelected === 'refuse' && (await deps.store.exists(run.uri(artifactKeys.manifest)))) {
    throw new InvalidOptionError(
      `${output} already holds a selection (${SELECTION_FILES.join(', ')}): a new one replaces it. ` +
        `Pass --force to replace it, or copy the run's folder first and select into the copy`,
    );
  }
  const lock = await acquireRunLock(deps.store, run.output, { command: deps.lock?.command ?? 'proxysel select', wait: deps.lock?.wait, log: deps.log });
  try {
    await beginRun(deps.store, run.output, deps.log);
    const items = await readItems(deps.store, run);
    const timings: StageTiming[] = [];
    const fromReduce = phases.slice(phases.findIndex((p) => p.name === 'reduce'));
    const call: StageCall = (stage, input) => runStage(stage, input, ctx);
    await runPhases(fromReduce, { planUri, run, items, call, display: noDisplay, extra: { reduce: { budget, policy } }, concurrency: 1 }, timings);
    return { manifest: manifestSchema.parse(await deps.store.readJson(run.uri(artifactKeys.manifest))), timings };
  } finally {
    await lock.release().catch((e: Error) => deps.log.warn(`run lock not removed: ${e.message}`));
  }
}
