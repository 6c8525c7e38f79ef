/**
 * The dedup stages over a score run's files, as their own process so their peak RSS is their own: every gather group,
 * every merged group (when the plan merges), every partition, the removal lists of every unit of the shuffle's top
 * level, then the clustering, in this thread, over the run folder score-child.ts left (its plan names the dedup kind).
 * Prints one JSON line: records, pairs, wall and CPU seconds, peak RSS.
 *
 * `--group-items N` and `--merge-groups M` (or the env PROXYSEL_DEDUP_GROUP_ITEMS, PROXYSEL_DEDUP_MERGE_GROUPS) first
 * rewrite the plan's layout: gather groups of N items, merged M at a time (1: no merge), so a small corpus exercises
 * several groups and merges (the outputs do not depend on the layout).
 * Usage: tsx bench/lib/dedup-child.ts [--group-items N] [--merge-groups M] <run-dir>
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { silentLogger, stageContext } from '../../lib/pipeline/index.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import { createStore } from '../../lib/store/index.ts';

export interface DedupChildResult {
  kind: string;
  groups: number;
  /** Gather groups per merged group (1: no merge) and the merged groups. */
  mergeGroups: number;
  merges: number;
  partitions: number;
  /** Band and exact records over all partitions. */
  records: number;
  pairs: number;
  wallSeconds: number;
  cpuSeconds: number;
  /**
   * CPU seconds by stage: per-record work (gather, partitions: exact deduplication decides its copies there), the
   * removal lists (exact), and the clustering (MinHash: per-pair work; exact: the summary).
   */
  stageCpuSeconds: { gather: number; merge: number; partitions: number; removals: number; clusters: number };
  peakRssBytes: number;
}

type PlanLayout = { spec: { dedup: { kind: string } }; dedupPartitions: number; dedupGroupItems: number; dedupGroups: number; dedupMergeGroups?: number; dedupMerges?: number };

async function main(args: string[]): Promise<DedupChildResult> {
  let groupItems = process.env.PROXYSEL_DEDUP_GROUP_ITEMS ? Number(process.env.PROXYSEL_DEDUP_GROUP_ITEMS) : undefined;
  let mergeGroups = process.env.PROXYSEL_DEDUP_MERGE_GROUPS ? Number(process.env.PROXYSEL_DEDUP_MERGE_GROUPS) : undefined;
  let argv = args;
  for (;;) {
    if (argv[0] === '--group-items') groupItems = Number(argv[1]);
    else if (argv[0] === '--merge-groups') mergeGroups = Number(argv[1]);
    else break;
    argv = argv.slice(2);
  }
  const runDirArg = argv[0];
  if (!runDirArg) throw new Error('usage: dedup-child.ts [--group-items N] [--merge-groups M] <run-dir>');
  for (const [name, v] of [['group items', groupItems], ['merge groups', mergeGroups]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new Error(`dedup-child: ${name} must be a whole number >= 1, not ${v}`);
  }
  const plan = join(resolve(runDirArg), 'plan.json');
  const p = JSON.parse(await readFile(plan, 'utf8')) as PlanLayout;
  if (groupItems !== undefined || mergeGroups !== undefined) {
    if (groupItems !== undefined) {
      p.dedupGroupItems = groupItems;
      // The run's items (score-child.ts writes its own list; the plan's corpus count is the fit's).
      const items = (JSON.parse(await readFile(join(resolve(runDirArg), 'plan', 'items.json'), 'utf8')) as unknown[]).length;
      p.dedupGroups = Math.ceil(items / groupItems);
    }
    p.dedupMergeGroups = mergeGroups ?? 1;
    p.dedupMerges = Math.ceil(p.dedupGroups / p.dedupMergeGroups);
    await writeFile(plan, JSON.stringify(p));
  }
  const M = p.dedupMergeGroups ?? 1;
  const top = p.dedupMerges ?? p.dedupGroups;
  const ctx = stageContext(createStore(), silentLogger);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(c0);
    return (u.user + u.system) / 1e6;
  };
  for (let group = 0; group < p.dedupGroups; group++) await runStage('dedup-gather', { plan, group }, ctx);
  const afterGather = cpu();
  if (M > 1) for (let merge = 0; merge < top; merge++) await runStage('dedup-merge', { plan, merge }, ctx);
  const afterMerge = cpu();
  let records = 0;
  let pairs = 0;
  for (let partition = 0; partition < p.dedupPartitions; partition++) {
    const out = await runStage('dedup', { plan, partition }, ctx);
    records += out.records;
    pairs += out.pairs;
  }
  const afterPartitions = cpu();
  for (let merge = 0; merge < top; merge++) await runStage('dedup-removals', { plan, merge }, ctx);
  const afterRemovals = cpu();
  await runStage('dedup-clusters', { plan }, ctx);
  const cu = process.cpuUsage(c0);
  return {
    kind: p.spec.dedup.kind,
    groups: p.dedupGroups,
    mergeGroups: M,
    merges: top,
    partitions: p.dedupPartitions,
    records,
    pairs,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    stageCpuSeconds: { gather: afterGather, merge: afterMerge - afterGather, partitions: afterPartitions - afterMerge, removals: afterRemovals - afterPartitions, clusters: (cu.user + cu.system) / 1e6 - afterRemovals },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

main(process.argv.slice(2)).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`dedup-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
