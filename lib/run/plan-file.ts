import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { WorkItem } from '../corpus/index.ts';
import { jobSpecSchema, planBudgetSchema, type JobSpec } from '../job/index.ts';
import { formatZodError } from '../validate/index.ts';
import type { ObjectStore } from '../store/index.ts';
import { joinUri } from '../store/index.ts';
import { artifactKeys } from './keys.ts';
import { PlanError } from './errors.ts';

/** One work item of plan/items.json: a shard, or one byte range of a large uncompressed shard. */
export const workItemSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]+$/),
    uri: z.string(),
    key: z.string(),
    format: z.enum(['jsonl', 'jsonl.gz', 'jsonl.zst', 'parquet']),
    size: z.number().int().nonnegative(),
    etag: z.string(),
    range: z.object({ start: z.number().int().nonnegative(), end: z.number().int().positive() }).optional(),
    bytes: z.number().int().nonnegative(),
  })
  .strict();

/**
 * A plan written before the dedup shuffle's merge level has no dedupMergeGroups/dedupMerges: it is read as merging
 * nothing (its layout: the top level is the groups).
 */
function withMergeFields(value: unknown): unknown {
  if (!value || typeof value !== 'object' || 'dedupMergeGroups' in value) return value;
  const groups = (value as { dedupGroups?: unknown }).dedupGroups;
  if (typeof groups !== 'number') return value;
  return { ...value, dedupMergeGroups: groups > 0 ? 1 : 0, dedupMerges: groups };
}

export const planSchema = z.preprocess(withMergeFields, z.object({
  version: z.literal(1),
  name: z.string(),
  /** Hash of the resolved spec without its output location: identifies the job's content. */
  specHash: z.string(),
  spec: jobSpecSchema,
  corpus: z.object({
    uri: z.string(),
    shards: z.number(),
    items: z.number(),
    bytes: z.number(),
    /** Shards of a known format with 0 bytes, left out of the plan (reported, not silently dropped). */
    emptyShards: z.array(z.string()).optional(),
  }),
  budget: planBudgetSchema,
  /** Documents to sample from each work item (largest-remainder apportionment by bytes); absent = 0. */
  sampleQuotas: z.record(z.string(), z.number().int().nonnegative()),
  /** How many slices the reference pass is cut into (Batch array size, or local workers). */
  referenceSlices: z.number().int().positive(),
  /** Partitions of the dedup stage's band keys (0 when the spec deduplicates nothing). */
  dedupPartitions: z.number().int().nonnegative(),
  /** Consecutive work items per dedup gather group (0 when the spec deduplicates nothing). */
  dedupGroupItems: z.number().int().nonnegative(),
  /** Gather groups: ceil(items / dedupGroupItems). */
  dedupGroups: z.number().int().nonnegative(),
  /** Consecutive group files per merged group (1: no merge; 0 when the spec deduplicates nothing). */
  dedupMergeGroups: z.number().int().nonnegative(),
  /** The shuffle's top-level units: ceil(dedupGroups / dedupMergeGroups) merged groups (the groups when nothing is merged). */
  dedupMerges: z.number().int().nonnegative(),
})).describe('plan');
export type Plan = z.infer<typeof planSchema>;

/** Stable JSON: object keys sorted, so hashes do not depend on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

export function sha256(text: string | Buffer | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Content hash of a spec, independent of where its output goes. */
export function specHashOf(spec: JobSpec): string {
  const { output: _output, ...rest } = spec;
  return sha256(canonicalJson(rest)).slice(0, 16);
}

/** The output prefix a plan.json URI lives under (with a trailing slash where the scheme has one). */
export function outputOfPlan(planUri: string): string {
  if (!planUri.endsWith(artifactKeys.plan)) throw new PlanError(`${planUri}: not a plan.json URI`);
  return planUri.slice(0, planUri.length - artifactKeys.plan.length);
}

/** A run's plan, output prefix and a resolver for artifact keys. */
export interface RunFiles {
  plan: Plan;
  output: string;
  uri(key: string): string;
}

export async function readPlan(store: ObjectStore, planUri: string): Promise<RunFiles> {
  const raw = await store.readJson(planUri);
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) throw new PlanError(`${planUri}: not a valid plan: ${formatZodError(parsed.error)}`);
  const output = outputOfPlan(planUri);
  return { plan: parsed.data, output, uri: (key: string) => joinUri(output, key) };
}

export async function readItems(store: ObjectStore, run: RunFiles): Promise<WorkItem[]> {
  const uri = run.uri(artifactKeys.items);
  const parsed = z.array(workItemSchema).safeParse(await store.readJson(uri));
  if (!parsed.success) throw new PlanError(`${uri}: not a valid work item list: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
