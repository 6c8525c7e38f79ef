import { detectFormat, planWorkItems } from '../corpus/index.ts';
import { JobSpecError } from '../job/index.ts';
import { apiKeyEnvProblem, referenceUrlProblem } from '../job/index.ts';
import { parseJobSpec } from '../job/index.ts';
import { resolvedOverlapProblem, sandboxFromEnv, sandboxProblems, type JobSpec } from '../job/index.ts';
import { joinUri } from '../store/index.ts';
import { acquireRunLock, artifactKeys, beginRun, executionHolder, type Plan, PlanError, specHashOf } from '../run/index.ts';
import { dedupLayoutOf } from './dedup-files.ts';
import { withContentVersions } from './content-versions.ts';
import type { PlanInput, StageContext } from './types.ts';
import { planBudget } from '../job/index.ts';

export interface PlanOutput {
  /** URI of plan.json: the input of every later stage. */
  plan: string;
  /** URI of the JSON array of work items (Step Functions ItemReader). */
  itemsUri: string;
  items: number;
  referenceKind: JobSpec['reference']['kind'];
  referenceSlices: number;
  /** URI of the JSON array of dedup partitions `{ partition }` (the DedupMap's ItemReader); empty without dedup. */
  dedupPartitionsUri: string;
  dedupPartitions: number;
  /** URI of the JSON array of dedup gather groups `{ group }` (the DedupGatherMap's ItemReader); empty without dedup. */
  dedupGroupsUri: string;
  dedupGroups: number;
  /** URI of the JSON array of the shuffle's top-level units `{ merge }` (the DedupMergeMap's and DedupRemovalsMap's ItemReader). */
  dedupMergesUri: string;
  /** Group files per merged group: 1 when nothing is merged (the workflow then skips the DedupMergeMap). */
  dedupMergeGroups: number;
  dedupMerges: number;
  output: string;
}

/** Apportions `total` over weights by the largest-remainder method; ties broken by index. Deterministic. */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const floors = exact.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return floors;
}

/** Default number of reference slices: one per ~2,000 sample documents, at most 64. */
function referenceSlicesFor(spec: JobSpec): number {
  if (spec.reference.kind !== 'onnx') return 1;
  return Math.min(64, Math.max(1, Math.ceil(spec.sample.docs / 2000)));
}

/**
 * What the spec's schema cannot check alone: the output against the corpus once paths are final (after `--out`, with
 * links resolved), and the openai reference against the operator's allow-lists of this environment (secrets.ts).
 */
async function checkRunnable(spec: JobSpec, source: string): Promise<void> {
  const problems: string[] = [];
  const overlap = await resolvedOverlapProblem(spec.output, spec.corpus.uri);
  if (overlap) problems.push(`output: ${overlap}`);
  // In the cloud stack, the locations a spec may name (its functions' environment): never a local path of the function.
  const sandbox = sandboxFromEnv();
  if (sandbox) problems.push(...sandboxProblems(spec, sandbox));
  for (const [path, reference] of [['reference', spec.reference], ['smallReference', spec.smallReference]] as const) {
    if (reference?.kind !== 'openai') continue;
    const key = apiKeyEnvProblem(reference.apiKeyEnv);
    if (key) problems.push(`${path}.apiKeyEnv: ${key}`);
    const url = referenceUrlProblem(reference.url);
    if (url) problems.push(`${path}.url: ${url}`);
  }
  if (problems.length > 0) throw new JobSpecError(source, problems);
}

/**
 * plan: validate the spec, list the corpus, cut it into work items, resolve the budget, apportion the sample.
 * Writes plan.json and plan/items.json under the output prefix.
 */
export async function planJob(input: PlanInput, ctx: StageContext): Promise<PlanOutput> {
  let raw = input.spec;
  let source = 'job spec';
  if (raw === undefined) {
    if (!input.specUri) throw new PlanError('plan needs a spec or a specUri');
    source = input.specUri;
    raw = await ctx.store.readJson(input.specUri);
  }
  const parsed = parseJobSpec(raw, source);
  const spec: JobSpec = input.output ? { ...parsed, output: input.output } : parsed;
  await checkRunnable(spec, source);
  // In the cloud, the execution takes the output's run lock here; report (or RecordFailure) removes it.
  const lock = input.execution
    ? await acquireRunLock(ctx.store, spec.output, { command: '', holder: executionHolder(input.execution), log: ctx.log })
    : undefined;
  try {
    return await planRun(spec, ctx);
  } catch (error) {
    await lock?.release().catch(() => {});
    throw error;
  }
}

async function planRun(spec: JobSpec, ctx: StageContext): Promise<PlanOutput> {
  await beginRun(ctx.store, spec.output, ctx.log);
  const objects = await ctx.store.list(spec.corpus.uri);
  const items = await withContentVersions(ctx.store, spec.output, planWorkItems(objects, { maxItemBytes: spec.corpus.maxItemBytes }), ctx.log);
  const emptyShards = objects.filter((o) => o.size === 0 && detectFormat(o.key) !== undefined).map((o) => o.key);
  if (emptyShards.length > 0) {
    const shown = emptyShards.slice(0, 20).join(', ') + (emptyShards.length > 20 ? `, ... (${emptyShards.length - 20} more)` : '');
    ctx.log.warn(`${spec.corpus.uri}: ${emptyShards.length} empty shard(s) (0 bytes) left out of the plan: ${shown}`);
  }
  if (items.length === 0) {
    throw new PlanError(
      `${spec.corpus.uri}: no shards found (looked for .jsonl, .jsonl.gz, .jsonl.zst and .parquet files among ${objects.length} object(s))`,
    );
  }
  const bytes = items.reduce((a, it) => a + it.bytes, 0);
  const layout = dedupLayoutOf(spec.dedup, bytes, items.length);
  const quotas = apportion(spec.sample.docs, items.map((it) => it.bytes));
  const sampleQuotas: Record<string, number> = {};
  items.forEach((it, i) => {
    if (quotas[i]! > 0) sampleQuotas[it.id] = quotas[i]!;
  });

  const plan: Plan = {
    version: 1,
    name: spec.name,
    specHash: specHashOf(spec),
    spec,
    corpus: {
      uri: spec.corpus.uri,
      shards: new Set(items.map((it) => it.key)).size,
      items: items.length,
      bytes,
      ...(emptyShards.length > 0 ? { emptyShards } : {}),
    },
    budget: planBudget(spec.budget),
    sampleQuotas,
    referenceSlices: referenceSlicesFor(spec),
    dedupPartitions: layout.partitions,
    dedupGroupItems: layout.groupItems,
    dedupGroups: layout.groups,
    dedupMergeGroups: layout.mergeGroups,
    dedupMerges: layout.merges,
  };
  const planUri = joinUri(spec.output, artifactKeys.plan);
  const itemsUri = joinUri(spec.output, artifactKeys.items);
  await ctx.store.writeJson(itemsUri, items);
  const dedupPartitionsUri = joinUri(spec.output, artifactKeys.dedupPartitions);
  await ctx.store.writeJson(dedupPartitionsUri, Array.from({ length: plan.dedupPartitions }, (_, partition) => ({ partition })));
  const dedupGroupsUri = joinUri(spec.output, artifactKeys.dedupGroups);
  await ctx.store.writeJson(dedupGroupsUri, Array.from({ length: plan.dedupGroups }, (_, group) => ({ group })));
  const dedupMergesUri = joinUri(spec.output, artifactKeys.dedupMerges);
  await ctx.store.writeJson(dedupMergesUri, Array.from({ length: plan.dedupMerges }, (_, merge) => ({ merge })));
  await ctx.store.writeJson(planUri, plan);
  ctx.log.info(`planned ${items.length} work item(s) over ${plan.corpus.shards} shard(s), ${bytes} bytes`);
  return {
    plan: planUri,
    itemsUri,
    items: items.length,
    referenceKind: spec.reference.kind,
    referenceSlices: plan.referenceSlices,
    dedupPartitionsUri,
    dedupPartitions: plan.dedupPartitions,
    dedupGroupsUri,
    dedupGroups: plan.dedupGroups,
    dedupMergesUri,
    dedupMergeGroups: plan.dedupMergeGroups,
    dedupMerges: plan.dedupMerges,
    output: spec.output,
  };
}
