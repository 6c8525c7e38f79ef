/**
 * The stage registry: every stage of the pipeline once, under its one name (kebab-case: the Lambda's STAGE value, the
 * unit name in markers; `stateName` derives the Step Functions state and CDK construct names from it), with the zod
 * schema of its input (the Lambda handler and the local runner both validate with it), its fan-out kind, how its
 * function loads (or, for a stage of units, how its units are declared and which earlier stages' units it reads: the
 * runner completes them, lib/runner/run-stage.ts), and the line that sums up its outputs. `phases` orders the stages into the rows of the run's
 * timings. Light to import (schemas only: cdk/ reads it at synth); a stage's module loads when the stage first runs.
 */
import type { z } from 'zod';
import type { RunFiles, SampleItemOutput, SelectItemOutput } from '../run/index.ts';
import type { CountItemOutput } from './count.ts';
import type { DedupClustersOutput, DedupGatherOutput, DedupMergeOutput, DedupPartitionOutput, DedupRemovalsOutput } from './dedup.ts';
import { invalidEvent } from './errors.ts';
import type { FinalizeOutput } from './finalize.ts';
import type { Declared, Upstream } from './unit.ts';
import type { PlanOutput } from './plan.ts';
import type { ScoreItemOutput } from './score.ts';
import type { SettleOutput } from './settle.ts';
import {
  dedupGroupEventSchema,
  dedupMergeEventSchema,
  dedupPartitionEventSchema,
  itemEventSchema,
  itemsEventSchema,
  planInputSchema,
  planRefSchema, reportInputSchema,
  reduceEventSchema,
  referenceSliceEventSchema,
  type StageContext,
} from './types.ts';

/**
 * How many calls a stage makes in a run, and over what; each kind has one input shape (see `unitInputs`):
 * - `single`: one call, `{ plan }` (plan itself takes the spec);
 * - `per-item`: one call per work item, `{ plan, item }` (a Distributed Map over plan/items.json);
 * - `per-item-batch`: one call per batch of work items, `{ plan, items }` (a Distributed Map with an ItemBatcher;
 *   locally one item per batch);
 * - `per-slice`: one call per slice of the sample, `{ plan, index, count }` (a Batch array job; one Lambda call);
 * - `per-group`: one call per dedup gather group of consecutive work items, `{ plan, group }` (a Distributed Map over
 *   plan/dedup-groups.json);
 * - `per-merge`: one call per unit of the dedup shuffle's top level, `{ plan, merge }` (a Distributed Map over
 *   plan/dedup-merges.json): the merged groups of consecutive gather groups, or the groups themselves when the plan
 *   merges nothing (dedupMergeGroups 1); a stage with `mergesOnly` then makes no call (the workflow skips its map);
 * - `per-partition`: one call per band-key partition, `{ plan, partition }` (a Distributed Map over
 *   plan/dedup-partitions.json).
 */
export type FanOut = 'single' | 'per-item' | 'per-item-batch' | 'per-slice' | 'per-group' | 'per-merge' | 'per-partition';

export interface StageDefinition<S extends z.ZodType, O, R extends Readonly<Record<string, string>> = Readonly<Record<string, string>>> {
  fanOut: FanOut;
  /** A `per-merge` stage that runs only when the plan merges gather groups (dedupMergeGroups > 1): dedup-merge. */
  mergesOnly?: boolean;
  /** The input every caller validates against; the stage function takes its parsed output. */
  input: S;
  /** A stage that completes its own call (no unit markers: plan, reduce, settle, finalize, report): its function, imported on first use. */
  load?: () => Promise<(input: z.output<S>, ctx: StageContext) => Promise<O>>;
  /**
   * A stage whose calls are units that the runner completes: the function that declares a call's unit(s) (unit.ts: what
   * each reads and writes, and the work), imported on first use. The runner's `runStage` wraps each unit in the resume
   * protocol (lib/runner/markers.ts), which runs its work unless it already finished with the same inputs and its
   * outputs still hold; the call's output is what the units kept, through the declaration's `finish` when it has one.
   */
  declare?: () => Promise<(input: z.output<S>, ctx: StageContext, upstream: Upstream<keyof R & string>) => Promise<Declared<O>>>;
  /**
   * The earlier stages whose finished units `declare` reads (their completion markers), under the names its module
   * gives them (`Upstream<'fitted'>`): a name the module reads and `reads` lacks does not compile, nor a misspelt stage.
   */
  reads?: R;
  /** The stage's part of its phase's line in the run's timings, from the outputs of all its calls in this run. */
  summary?: (outputs: O[], run: RunFiles) => string;
}

const stage = <S extends z.ZodType, O, const R extends Readonly<Record<string, string>> = Record<never, string>>(definition: StageDefinition<S, O, R>): StageDefinition<S, O, R> => definition;
const sum = <T>(values: T[], of: (value: T) => number): number => values.reduce((a, v) => a + of(v), 0);

/** Every stage by its name, in the order a run calls them. */
export const stages = {
  plan: stage({
    fanOut: 'single',
    input: planInputSchema,
    load: async () => (await import('./plan.ts')).planJob,
    summary: (outs: PlanOutput[]) => `${outs[0]!.items} work item(s)`,
  }),
  sample: stage({
    fanOut: 'per-item',
    input: itemEventSchema,
    declare: async () => (await import('./sample.ts')).sampleWorkItemUnit,
    summary: (outs: SampleItemOutput[]) => `${sum(outs, (o) => o.sampled)} of ${sum(outs, (o) => o.docs)} documents sampled`,
  }),
  'merge-sample': stage({ fanOut: 'single', input: planRefSchema, declare: async () => (await import('./sample.ts')).mergeSampleUnit, reads: { sampled: 'sample' } }),
  reference: stage({
    fanOut: 'per-slice',
    input: referenceSliceEventSchema,
    declare: async () => (await import('./reference.ts')).labelReferenceSliceUnit,
    reads: { mergedSample: 'merge-sample' },
    summary: (outs: { docs: number; tokens: number }[], run) =>
      `${sum(outs, (o) => o.docs)} documents, ${sum(outs, (o) => o.tokens)} tokens labelled by the ${run.plan.spec.reference.kind} model`,
  }),
  'merge-labels': stage({ fanOut: 'single', input: planRefSchema, declare: async () => (await import('./reference.ts')).mergeLabelsUnit, reads: { labelledSlices: 'reference' } }),
  fit: stage({
    fanOut: 'single',
    input: planRefSchema,
    declare: async () => (await import('./fit.ts')).fitProxyUnit,
    reads: { mergedSample: 'merge-sample', mergedLabels: 'merge-labels' },
    summary: ([o]: { members: number; fidelity: { spearman: number } }[]) => `${o!.members} member(s), held-out Spearman ${o!.fidelity.spearman.toFixed(3)}`,
  }),
  score: stage({
    fanOut: 'per-item-batch',
    input: itemsEventSchema,
    declare: async () => (await import('./score.ts')).scoreWorkItemsUnits,
    reads: { fitted: 'fit' },
    summary: (outs: { items: ScoreItemOutput[] }[]) => {
      const items = outs.flatMap((o) => o.items);
      const bad = sum(items, (o) => o.badRecords);
      return `${sum(items, (o) => o.docs)} documents scored${bad ? `, ${bad} bad record(s) skipped` : ''}`;
    },
  }),
  'dedup-gather': stage({
    fanOut: 'per-group',
    input: dedupGroupEventSchema,
    declare: async () => (await import('./dedup.ts')).dedupGatherUnit,
    summary: (outs: DedupGatherOutput[]) => `${outs.length} group(s) of band files gathered`,
  }),
  'dedup-merge': stage({
    fanOut: 'per-merge',
    mergesOnly: true,
    input: dedupMergeEventSchema,
    declare: async () => (await import('./dedup.ts')).dedupMergeUnit,
    summary: (outs: DedupMergeOutput[]) => `${outs.length} merged group(s) of group files`,
  }),
  dedup: stage({
    fanOut: 'per-partition',
    input: dedupPartitionEventSchema,
    declare: async () => (await import('./dedup.ts')).dedupPartitionUnit,
    summary: (outs: DedupPartitionOutput[]) => `${sum(outs, (o) => o.pairs)} verified pair(s)`,
  }),
  'dedup-removals': stage({
    fanOut: 'per-merge',
    input: dedupMergeEventSchema,
    declare: async () => (await import('./dedup.ts')).dedupRemovalsUnit,
    summary: (outs: DedupRemovalsOutput[]) => `${sum(outs, (o) => o.itemsWithRemovals.length)} removal list(s) written`,
  }),
  'dedup-clusters': stage({
    fanOut: 'single',
    input: planRefSchema,
    declare: async () => (await import('./dedup.ts')).dedupClustersUnit,
    reads: { partitioned: 'dedup', removalLists: 'dedup-removals' },
    summary: ([o]: DedupClustersOutput[]) => `${o!.clusters} cluster(s), ${o!.docsRemoved} duplicate(s) removed`,
  }),
  reduce: stage({
    fanOut: 'single',
    input: reduceEventSchema,
    load: async () => (await import('./reduce.ts')).reduceScores,
    summary: ([o]: { estimate: { tokens: number; docs: number } }[]) =>
      `on estimates the threshold fills ${o!.estimate.tokens} tokens / ${o!.estimate.docs} documents`,
  }),
  count: stage({
    fanOut: 'per-item',
    input: itemEventSchema,
    declare: async () => (await import('./count.ts')).countWorkItemUnit,
    reads: { scored: 'score', fitted: 'fit' },
    summary: (outs: CountItemOutput[]) => {
      // Candidates of the last pass (a later pass widens the region), documents tokenized over all passes.
      const candidates = new Map(outs.map((o) => [o.item, o.candidates]));
      return `${sum(outs, (o) => o.tokenized)} of ${sum([...candidates.values()], (c) => c)} candidate documents tokenized`;
    },
  }),
  settle: stage({
    fanOut: 'single',
    input: planRefSchema,
    load: async () => (await import('./settle.ts')).settleBudget,
    summary: (outs: SettleOutput[]) => (outs.at(-1)!.passes > 1 ? `${outs.at(-1)!.passes} count passes` : ''),
  }),
  select: stage({
    fanOut: 'per-item',
    input: itemEventSchema,
    declare: async () => (await import('./select.ts')).selectWorkItemUnit,
    reads: { scored: 'score', fitted: 'fit' },
    summary: (outs: SelectItemOutput[]) => `${sum(outs, (o) => o.docs)} documents written`,
  }),
  finalize: stage({
    fanOut: 'single',
    input: planRefSchema,
    load: async () => (await import('./finalize.ts')).finalizeJob,
    summary: (_outs: FinalizeOutput[]) => 'manifest.json',
  }),
  report: stage({
    fanOut: 'single',
    input: reportInputSchema,
    load: async () => (await import('./report.ts')).reportRun,
    summary: (_outs: { report: string }[]) => 'report.html',
  }),
};

export type StageName = keyof typeof stages;

/** The stages a stage reads (`reads`): every one a registry name, or this does not compile. */
type ReadStage = { [S in StageName]: (typeof stages)[S] extends { reads?: infer R } ? NonNullable<R>[keyof NonNullable<R>] : never }[StageName];
const readsNameStages: [ReadStage] extends [StageName] ? true : never = true;
void readsNameStages;

type DefinitionOf<S extends StageName> = (typeof stages)[S];
/** What a caller passes to stage S (before its schema's defaults apply). */
export type StageInput<S extends StageName> = z.input<DefinitionOf<S>['input']>;
/** What stage S's function takes: its input once its schema parsed it. */
export type ParsedStageInput<S extends StageName> = z.output<DefinitionOf<S>['input']>;
// `any`: R only types the names `declare` reads upstream, which the output does not depend on.
export type StageOutput<S extends StageName> = DefinitionOf<S> extends StageDefinition<z.ZodType, infer O, any> ? O : never;

/** Every stage name, in run order. */
export const stageNames = Object.keys(stages) as StageName[];

/** The Step Functions state (and CDK construct) name of a stage: `merge-sample` -> `MergeSample`. */
export function stateName(stage: StageName | string): string {
  return stage.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** The input fields of a stage, as its payload in the workflow must name them. */
export function inputFields(stage: StageName): string[] {
  return Object.keys(stages[stage].input.shape);
}

/** Validates `input` with the stage's schema: a rejected input fails with InvalidEventError naming every bad field. */
export function parseStageInput<S extends StageName>(stage: S, input: unknown): ParsedStageInput<S> {
  const parsed = (stages[stage].input as z.ZodType).safeParse(input);
  if (!parsed.success) throw invalidEvent(stage, parsed.error);
  return parsed.data as ParsedStageInput<S>;
}

/** The stage's part of its phase's timing line, from the outputs of its calls ('' when it adds nothing). */
export function summarize<S extends StageName>(stage: S, outputs: StageOutput<S>[], run: RunFiles): string {
  const summary = stages[stage].summary as ((outs: StageOutput<S>[], run: RunFiles) => string) | undefined;
  return summary?.(outputs, run) ?? '';
}

/** A row of the run's timings: stages run back to back and reported together (a fan-out and its merge). */
export interface Phase {
  name: string;
  stages: readonly StageName[];
  /** Runs only when this holds for the run (the cloud workflow's Choice). */
  when?: (run: RunFiles) => boolean;
  /** Runs its stages again while the last one's output says `settled: false` (the workflow's Settled loop). */
  repeat?: 'until-settled';
}

/** The phases of a run after plan, in order. */
export const phases: readonly Phase[] = [
  { name: 'sample', stages: ['sample', 'merge-sample'] },
  { name: 'reference', stages: ['reference', 'merge-labels'] },
  { name: 'fit', stages: ['fit'] },
  { name: 'score', stages: ['score'] },
  { name: 'dedup', stages: ['dedup-gather', 'dedup-merge', 'dedup', 'dedup-removals', 'dedup-clusters'], when: (run) => run.plan.dedupPartitions > 0 },
  { name: 'reduce', stages: ['reduce'] },
  { name: 'count', stages: ['count', 'settle'], repeat: 'until-settled' },
  { name: 'select', stages: ['select'] },
  { name: 'finalize', stages: ['finalize'] },
  { name: 'report', stages: ['report'] },
];
