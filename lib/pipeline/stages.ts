import { countWorkItem } from './count.ts';
import { dedupClusters, dedupPartition } from './dedup.ts';
import { finalizeJob } from './finalize.ts';
import { fitProxy } from './fit.ts';
import { planJob } from './plan.ts';
import { reduceScores } from './reduce.ts';
import { labelReferenceSlice, mergeLabels } from './reference.ts';
import { mergeSample, sampleWorkItem } from './sample.ts';
import { scoreWorkItems } from './score.ts';
import { selectWorkItem } from './select.ts';
import { settleBudget } from './settle.ts';
import type { StageContext } from './types.ts';

/** Every stage by name: the local runner's workers and the Lambda handlers look them up here. */
export const stages = {
  plan: planJob,
  sample: sampleWorkItem,
  mergeSample,
  reference: labelReferenceSlice,
  mergeLabels,
  fit: fitProxy,
  score: scoreWorkItems,
  dedup: dedupPartition,
  dedupClusters,
  reduce: reduceScores,
  count: countWorkItem,
  settle: settleBudget,
  select: selectWorkItem,
  finalize: finalizeJob,
} as const satisfies Record<string, (input: never, ctx: StageContext) => Promise<unknown>>;

export type StageName = keyof typeof stages;
export type StageInput<S extends StageName> = Parameters<(typeof stages)[S]>[0];
export type StageOutput<S extends StageName> = Awaited<ReturnType<(typeof stages)[S]>>;
