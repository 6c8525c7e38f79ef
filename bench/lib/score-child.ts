/**
 * One scorer measurement, run as its own process so its peak RSS is its own: copies the fitted proxy and plan into a
 * fresh run folder and runs the real score stage (through runStage: read + featurize + onnxruntime +
 * parquet + histogram) over the given shards, in this thread (`--workers 0`) or on the local runner's pool of N
 * worker threads (StageWorkerPool). Prints one JSON line: docs, bytes, wall and CPU seconds, peak RSS.
 *
 * With `--dedup <none|exact|minhash>` first, the plan's dedup setting is replaced (so the same shards are scored
 * with and without signatures); dedup-child.ts then runs the dedup stages over the files this run wrote.
 *
 * With `--rules-off`, the quality rules are not evaluated (rules.enabled false): the score stage's cost without them.
 * Usage: tsx bench/lib/score-child.ts [--dedup KIND] [--rules-off] <fit-dir> <run-dir> <workers> <shard.jsonl.gz>...
 */
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { WorkItem } from '../../lib/corpus/types.ts';
import { dedupSchema } from '../../lib/job/dedup-spec.ts';
import { closeScorers, silentLogger, stageContext } from '../../lib/pipeline/index.ts';
import { runStage } from '../../lib/runner/run-stage.ts';
import { dedupLayoutOf } from '../../lib/pipeline/dedup-files.ts';
import { StageWorkerPool } from '../../lib/runner/worker-pool.ts';
import { createStore } from '../../lib/store/index.ts';

export interface ScoreChildResult {
  workers: number;
  items: number;
  docs: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Peak resident set of the whole process (all threads) while scoring, bytes (the dedup stages run in dedup-child.ts). */
  peakRssBytes: number;
}

async function main(args: string[]): Promise<ScoreChildResult> {
  let dedupKind: string | undefined;
  let rulesOff = false;
  let argv = args;
  for (;;) {
    if (argv[0] === '--dedup') {
      dedupKind = argv[1];
      argv = argv.slice(2);
    } else if (argv[0] === '--rules-off') {
      rulesOff = true;
      argv = argv.slice(1);
    } else break;
  }
  const [fitDir, runDirArg, workersArg, ...shards] = argv;
  if (!fitDir || !runDirArg || workersArg === undefined || shards.length === 0) {
    throw new Error('usage: score-child.ts <fit-dir> <run-dir> <workers> <shard>...');
  }
  const runDir = resolve(runDirArg);
  const workers = Number(workersArg);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(join(runDir, 'proxy'), { recursive: true });
  await mkdir(join(runDir, 'plan'), { recursive: true });
  await copyFile(join(fitDir, 'plan.json'), join(runDir, 'plan.json'));
  for (const f of ['model.onnx', 'card.json']) await copyFile(join(fitDir, 'proxy', f), join(runDir, 'proxy', f));
  // The fit stage's completion marker: the score stage reads the model's and card's digests from it.
  await mkdir(join(runDir, 'plan', 'done', 'fit'), { recursive: true });
  await copyFile(join(fitDir, 'plan', 'done', 'fit', 'all.json'), join(runDir, 'plan', 'done', 'fit', 'all.json'));
  const items: WorkItem[] = [];
  for (const [i, path] of shards.entries()) {
    const size = (await stat(path)).size;
    const abs = resolve(path);
    items.push({ id: `b${String(i).padStart(4, '0')}`, uri: abs, key: basename(abs), format: 'jsonl.gz', size, etag: `${size.toString(16)}`, bytes: size });
  }
  const plan = join(runDir, 'plan.json');
  await writeFile(join(runDir, 'plan', 'items.json'), JSON.stringify(items));
  if (dedupKind !== undefined || rulesOff) {
    const p = JSON.parse(await readFile(plan, 'utf8'));
    if (dedupKind !== undefined) {
      p.spec.dedup = dedupSchema.parse({ kind: dedupKind });
      const layout = dedupLayoutOf(p.spec.dedup, items.reduce((a, it) => a + it.bytes, 0), items.length);
      p.dedupPartitions = layout.partitions;
      p.dedupGroupItems = layout.groupItems;
      p.dedupGroups = layout.groups;
      p.dedupMergeGroups = layout.mergeGroups;
      p.dedupMerges = layout.merges;
    }
    // The quality rules not evaluated at all (rules.enabled false), for the rules' cost.
    if (rulesOff) p.spec.rules = { enabled: false };
    await writeFile(plan, JSON.stringify(p));
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let docs = 0;
  if (workers === 0) {
    const ctx = stageContext(createStore(), silentLogger);
    for (const item of items) {
      const out = await runStage('score', { plan, items: [item] }, ctx);
      docs += out.items.reduce((a, o) => a + o.docs, 0);
    }
    await closeScorers();
  } else {
    const pool = new StageWorkerPool(workers, { log: silentLogger });
    try {
      const outs = await Promise.all(items.map((item) => pool.run('score', { plan, items: [item] })));
      docs += outs.reduce((a, o) => a + o.items.reduce((b, it) => b + it.docs, 0), 0);
    } finally {
      await pool.close();
    }
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const scorePeakRssBytes = process.resourceUsage().maxRSS * 1024;
  return {
    workers,
    items: items.length,
    docs,
    wallSeconds,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    peakRssBytes: scorePeakRssBytes,
  };
}

main(process.argv.slice(2)).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`score-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
