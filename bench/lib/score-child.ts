/**
 * One scorer measurement, run as its own process so its peak RSS is its own: copies the fitted proxy and plan into a
 * fresh run folder and runs the real score stage (lib/pipeline scoreWorkItems: read + featurize + onnxruntime +
 * parquet + histogram) over the given shards, in this thread (`--workers 0`) or on the local runner's pool of N
 * worker threads (StageWorkerPool). Prints one JSON line: docs, bytes, wall and CPU seconds, peak RSS.
 *
 * Usage: tsx bench/lib/score-child.ts <fit-dir> <run-dir> <workers> <shard.jsonl.gz>...
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { WorkItem } from '../../lib/corpus/types.ts';
import { closeScorers, scoreWorkItems, silentLogger, stageContext } from '../../lib/pipeline/index.ts';
import { StageWorkerPool } from '../../lib/pipeline/worker-pool.ts';
import { createStore } from '../../lib/store/index.ts';

export interface ScoreChildResult {
  workers: number;
  items: number;
  docs: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Peak resident set of the whole process (all threads), bytes. */
  peakRssBytes: number;
}

async function main(argv: string[]): Promise<ScoreChildResult> {
  const [fitDir, runDirArg, workersArg, ...shards] = argv;
  if (!fitDir || !runDirArg || workersArg === undefined || shards.length === 0) {
    throw new Error('usage: score-child.ts <fit-dir> <run-dir> <workers> <shard>...');
  }
  const runDir = resolve(runDirArg);
  const workers = Number(workersArg);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(join(runDir, 'proxy'), { recursive: true });
  await copyFile(join(fitDir, 'plan.json'), join(runDir, 'plan.json'));
  for (const f of ['model.onnx', 'card.json']) await copyFile(join(fitDir, 'proxy', f), join(runDir, 'proxy', f));
  const items: WorkItem[] = [];
  for (const [i, path] of shards.entries()) {
    const size = (await stat(path)).size;
    const abs = resolve(path);
    items.push({ id: `b${String(i).padStart(4, '0')}`, uri: abs, key: basename(abs), format: 'jsonl.gz', size, etag: `${size.toString(16)}`, bytes: size });
  }
  const plan = join(runDir, 'plan.json');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let docs = 0;
  if (workers === 0) {
    const ctx = stageContext(createStore(), silentLogger);
    for (const item of items) {
      const out = await scoreWorkItems({ plan, items: [item] }, ctx);
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
  return {
    workers,
    items: items.length,
    docs,
    wallSeconds,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

main(process.argv.slice(2)).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`score-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
