import { formatZodError } from '../validate/index.ts';
import { policySchema, type PolicySpec } from '../job/spec.ts';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import { joinUri } from '../store/index.ts';
import type { ObjectStore } from '../store/types.ts';
import { artifactKeys, readItems, readPlan, type StageTiming } from '../run/index.ts';
import { finalizeJob } from './finalize.ts';
import { InvalidOptionError, parseBudgetOption } from '../job/index.ts';
import { reduceScores } from './reduce.ts';
import { beginRun } from './run-state.ts';
import { selectWorkItem } from './select.ts';
import { countAndSettle, settleBudget } from './settle.ts';
import { countWorkItem } from './count.ts';
import type { Logger, StageContext } from './types.ts';

export interface ReselectOptions {
  budget?: string;
  policy?: string;
  'drop-top'?: string;
  multiple?: string;
  lambda?: string;
  temperature?: string;
}

function policyOption(base: PolicySpec, opts: ReselectOptions, target: 'loss' | 'reducible'): PolicySpec | undefined {
  if (!opts.policy && opts['drop-top'] === undefined && opts.multiple === undefined && opts.lambda === undefined && opts.temperature === undefined) {
    return undefined;
  }
  const raw: Record<string, unknown> = { kind: opts.policy ?? base.kind, filters: base.filters };
  if (opts.lambda !== undefined) raw.lambda = Number(opts.lambda);
  if (opts['drop-top'] !== undefined) raw.dropTopQuantile = Number(opts['drop-top']);
  if (opts.multiple !== undefined) raw.multiple = Number(opts.multiple);
  if (opts.temperature !== undefined) raw.temperature = Number(opts.temperature);
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidOptionError(`policy options: ${formatZodError(parsed.error)}`);
  if (parsed.data.kind === 'reducible' && target !== 'reducible') {
    throw new InvalidOptionError(`--policy reducible needs a run whose proxy learned the reducible loss; this run's target is "${target}"`);
  }
  return parsed.data;
}

/**
 * Re-runs reduce, count (exact tokens of the new boundary region, re-using the counts made before), settle, select and
 * finalize over a finished run's stored scores with a new budget or policy: seconds, not a
 * new scoring pass (scores are kept apart from selection).
 */
export async function reselect(
  output: string,
  opts: ReselectOptions,
  deps: { store: ObjectStore; log: Logger },
): Promise<{ manifest: Manifest; timings: StageTiming[] }> {
  const planUri = joinUri(output, artifactKeys.plan);
  const ctx: StageContext = { store: deps.store, log: deps.log, progress: { add() {} } };
  const run = await readPlan(deps.store, planUri);
  const budget = opts.budget !== undefined ? parseBudgetOption(opts.budget) : undefined;
  const policy = policyOption(run.plan.spec.policy, opts, run.plan.spec.target);
  await beginRun(deps.store, run.output, deps.log);
  const timings: StageTiming[] = [];
  const t0 = performance.now();
  await reduceScores({ plan: planUri, budget, policy }, ctx);
  const tc = performance.now();
  timings.push({ stage: 'reduce', seconds: (tc - t0) / 1000, detail: 'from stored scores' });
  const items = await readItems(deps.store, run);
  let tokenized = 0;
  const settled = await countAndSettle(
    async () => {
      for (const item of items) tokenized += (await countWorkItem({ plan: planUri, item }, ctx)).tokenized;
    },
    () => settleBudget({ plan: planUri }, ctx),
  );
  const t1 = performance.now();
  timings.push({ stage: 'count', seconds: (t1 - tc) / 1000, detail: `${tokenized} documents tokenized, ${settled.passes} pass(es)` });
  let docs = 0;
  for (const item of items) docs += (await selectWorkItem({ plan: planUri, item }, ctx)).docs;
  const t2 = performance.now();
  timings.push({ stage: 'select', seconds: (t2 - t1) / 1000, detail: `${docs} documents written` });
  const fin = await finalizeJob({ plan: planUri }, ctx);
  timings.push({ stage: 'finalize', seconds: (performance.now() - t2) / 1000, detail: 'manifest.json' });
  return { manifest: manifestSchema.parse(await deps.store.readJson(fin.manifest)), timings };
}
