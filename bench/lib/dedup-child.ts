/**
 * The dedup stages over a score run's files, as their own process so their peak RSS is their own: every gather group,
 * every partition, every group's removal lists, then the clustering, in this thread, over the run folder score-child.ts left (its plan names the
 * dedup kind). Prints one JSON line: records, pairs, wall and CPU seconds, peak RSS.
 * Usage: tsx bench/lib/dedup-child.ts <run-dir>
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { silentLogger, stageContext } from '../../lib/pipeline/index.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import { createStore } from '../../lib/store/index.ts';

export interface DedupChildResult {
  kind: string;
  groups: number;
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
  stageCpuSeconds: { gather: number; partitions: number; removals: number; clusters: number };
  peakRssBytes: number;
}

async function main(runDirArg: string | undefined): Promise<DedupChildResult> {
  if (!runDirArg) throw new Error('usage: dedup-child.ts <run-dir>');
  const plan = join(resolve(runDirArg), 'plan.json');
  const p = JSON.parse(await readFile(plan, 'utf8')) as { spec: { dedup: { kind: string } }; dedupPartitions: number; dedupGroups: number };
  const ctx = stageContext(createStore(), silentLogger);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(c0);
    return (u.user + u.system) / 1e6;
  };
  for (let group = 0; group < p.dedupGroups; group++) await runStage('dedup-gather', { plan, group }, ctx);
  const afterGather = cpu();
  let records = 0;
  let pairs = 0;
  for (let partition = 0; partition < p.dedupPartitions; partition++) {
    const out = await runStage('dedup', { plan, partition }, ctx);
    records += out.records;
    pairs += out.pairs;
  }
  const afterPartitions = cpu();
  for (let group = 0; group < p.dedupGroups; group++) await runStage('dedup-removals', { plan, group }, ctx);
  const afterRemovals = cpu();
  await runStage('dedup-clusters', { plan }, ctx);
  const cu = process.cpuUsage(c0);
  return {
    kind: p.spec.dedup.kind,
    groups: p.dedupGroups,
    partitions: p.dedupPartitions,
    records,
    pairs,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    stageCpuSeconds: { gather: afterGather, partitions: afterPartitions - afterGather, removals: afterRemovals - afterPartitions, clusters: (cu.user + cu.system) / 1e6 - afterRemovals },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

main(process.argv[2]).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`dedup-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
