import { z } from 'zod';
import { planBudgetSchema, policySchema } from '../job/index.ts';
import { workItemSchema } from '../run/index.ts';
import type { ObjectStore } from '../store/index.ts';

/** Structured logger: local runner prints it, Lambda handlers emit JSON lines. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Where a stage reports progress: units of work done (documents, bytes) since the last call. */
export interface ProgressSink {
  add(delta: { docs?: number; bytes?: number }): void;
}

/** Everything a stage may touch besides its input. */
export interface StageContext {
  store: ObjectStore;
  log: Logger;
  progress: ProgressSink;
}

/**
 * Input of plan: the job spec itself (local runner, tests) or its URI (cloud trigger, `proxysel watch`), and an
 * override of its output location.
 */
export const planInputSchema = z
  .object({
    specUri: z.string().min(1).optional(),
    spec: z.unknown().optional(),
    output: z.string().min(1).optional(),
    /** The state machine execution's name: plan then takes the output's run lock for it (lib/run/run-lock.ts). */
    execution: z.string().min(1).optional(),
  })
  .strict()
  .refine((e) => (e.spec === undefined) !== (e.specUri === undefined), { message: 'plan needs either a spec or a specUri', path: ['specUri'] });
export type PlanInput = z.input<typeof planInputSchema>;

/** Input of every single (non fan-out) stage after plan: the URI of the run's plan.json. */
export const planRefSchema = z.object({ plan: z.string().min(1) }).strict();
export type PlanRef = z.infer<typeof planRefSchema>;

/** Input of report: the plan, and in the cloud the execution whose run lock it removes once `_SUCCESS` is written. */
export const reportInputSchema = z.object({ plan: z.string().min(1), execution: z.string().min(1).optional() }).strict();
export type ReportInput = z.infer<typeof reportInputSchema>;

/** Input of reduce: the plan, and for re-selection (`proxysel select`) another budget or policy than the spec's. */
export const reduceEventSchema = z
  .object({ plan: z.string().min(1), budget: planBudgetSchema.optional(), policy: policySchema.optional() })
  .strict();
export type ReduceInput = z.infer<typeof reduceEventSchema>;

/** Input of a per-item stage (sample, select): one work item. */
export const itemEventSchema = z.object({ plan: z.string().min(1), item: workItemSchema }).strict();
export type ItemEvent = z.infer<typeof itemEventSchema>;

/** Input of the score stage: a batch of work items (Step Functions ItemBatcher). */
export const itemsEventSchema = z.object({ plan: z.string().min(1), items: z.array(workItemSchema).min(1) }).strict();
export type ItemsEvent = z.infer<typeof itemsEventSchema>;

/** Input of one slice of the reference pass (a Batch array child, or a local worker). */
export const referenceSliceEventSchema = z
  .object({
    plan: z.string().min(1),
    index: z.number().int().nonnegative(),
    count: z.number().int().positive(),
  })
  .strict();
export type ReferenceSliceEvent = z.infer<typeof referenceSliceEventSchema>;

/** Input of one dedup unit: a partition of the band keys. */
export const dedupPartitionEventSchema = z.object({ plan: z.string().min(1), partition: z.number().int().nonnegative() }).strict();
export type DedupPartitionEvent = z.infer<typeof dedupPartitionEventSchema>;
/** Input of one dedup gather unit: a group of consecutive work items. */
export const dedupGroupEventSchema = z.object({ plan: z.string().min(1), group: z.number().int().nonnegative() }).strict();
export type DedupGroupEvent = z.infer<typeof dedupGroupEventSchema>;
/** Input of one unit of the shuffle's top level (dedup merge, dedup removals): a merged group of consecutive gather groups. */
export const dedupMergeEventSchema = z.object({ plan: z.string().min(1), merge: z.number().int().nonnegative() }).strict();
export type DedupMergeEvent = z.infer<typeof dedupMergeEventSchema>;
