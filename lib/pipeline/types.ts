import { z } from 'zod';
import { workItemSchema } from '../run/index.ts';
import type { ObjectStore } from '../store/types.ts';

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

/** Input of every single (non fan-out) stage after plan: the URI of the run's plan.json. */
export const planRefSchema = z.object({ plan: z.string().min(1) }).strict();
export type PlanRef = z.infer<typeof planRefSchema>;

/**
 * Input of finalize: the plan, and whether to render report.html and write _SUCCESS (a caller that renders the report
 * later says false, and writes _SUCCESS after it).
 */
export const finalizeEventSchema = z.object({ plan: z.string().min(1), report: z.boolean().default(true) }).strict();
export type FinalizeEvent = z.input<typeof finalizeEventSchema>;

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
