/**
 * `npm run bench`: scorer throughput against the parse floor and a peer (fastText), on the same generated files.
 *
 * 1. Generates (or reuses) >= 300 MB of gzip JSONL from the demo sources into bench/.data (gitignored).
 * 2. Fits a real proxy: the demo job (n-gram reference on a 4000-document sample) on the demo corpus.
 * 3. Measures, each in its own process so its peak RSS is its own:
 *    - the floor: read + gunzip + Buffer line split + JSON.parse;
 *    - proxysel's score stage (read + featurize + onnxruntime + scores parquet + histogram) in one thread over the
 *      big shard (>= 1 GiB uncompressed: the per-core number and the memory bound), and on 1 and 2 worker threads;
 *    - fastText predict, dimensions 16 and 64, on the same texts one per line.
 * 4. Prints a markdown table and writes bench/results/throughput.md and throughput.json (read by `proxysel estimate`).
 *
 * Options: --quick (a ~40 MB corpus, for trying changes), --no-fasttext, --reps N (default 2: the floor and the
 * one-thread scorer on the big shard are measured N times, alternating, and each keeps its least CPU time, so the
 * ratio of the two does not hang on one noisy measurement of either).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoJobSpec } from '../lib/cli/demo.ts';
import { SEMI_SPACE_FLAG } from '../lib/heap.ts';
import { silentLogger } from '../lib/pipeline/index.ts';
import { runJob } from '../lib/runner/index.ts';
import { ensureBenchCorpus, type BenchCorpus, type BenchShard } from './lib/corpus-gen.ts';
import type { DedupChildResult } from './lib/dedup-child.ts';
import type { RunChildResult } from './lib/run-child.ts';
import { ensureFasttext, timePredict, trainFasttext, writePredictInput, writeTrainingFile, type ChildTiming } from './lib/fasttext.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, 'bench', '.data');
const resultsDir = join(root, 'bench', 'results');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Math.max(1, Number(process.argv[repsArg + 1]) || 1) : 2;
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const started = performance.now();

interface Row {
  name: string;
  docs: number;
  /** Uncompressed JSONL bytes of the documents processed. */
  bytes: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  /** Cores the run could use (for the per-core column). */
  cores: number;
  note?: string;
}

/** Runs a bench child script with tsx; returns its last stdout line as JSON. */
function child<T>(script: string, childArgs: string[]): T {
  // Every child (floor and scorer alike) runs with the young generation proxysel's stages get in their worker threads
  // and Lambda functions (lib/heap.ts).
  const r = spawnSync(process.execPath, [SEMI_SPACE_FLAG, '--import', 'tsx', join(root, 'bench', 'lib', script), ...childArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stderr.toString().slice(-3000)}`);
  const lines = r.stdout.toString().trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** Hash of the sources the fitted proxy depends on: a change refits. */
async function fitSourceHash(): Promise<string> {
  const h = createHash('sha256');
  // lib/job holds the spec's defaults (buckets, members, l2, ...): a changed default must refit, not reuse the cache.
  for (const dir of ['lib/proxy', 'lib/features', 'lib/features/kernel', 'lib/reference/ngram', 'lib/pipeline', 'lib/job', 'lib/tokens']) {
    for (const f of (await readdir(join(root, dir))).sort()) if (f.endsWith('.ts')) h.update(f).update(await readFile(join(root, dir, f)));
  }
  return h.digest('hex').slice(0, 12);
}

/** Fits a proxy with the real pipeline (n-gram reference, 4000-document sample) on the demo corpus; cached. */
async function ensureFit(corpus: BenchCorpus): Promise<string> {
  const fitDir = join(dataDir, `fit-${await fitSourceHash()}`);
  if (existsSync(join(fitDir, '_SUCCESS'))) {
    log(`proxy: cached fit in ${fitDir}`);
    return fitDir;
  }
  log('proxy: fitting on the demo corpus (n-gram reference, 4000 sampled documents) ...');
  const spec = await demoJobSpec(corpus.demoDir, fitDir);
  const result = await runJob({ ...spec, sample: { docs: 4000, seed: 1 } }, { workers: 0, log: silentLogger });
  const fit = result.timings.find((t) => t.stage === 'fit');
  log(`proxy: ${fit?.detail ?? 'fitted'}`);
  return fitDir;
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (v: number, digits = 1) => v.toFixed(digits);

function table(rows: Row[], floor: Row): string {
  const floorPerCore = floor.bytes / floor.cpuSeconds;
  const out = [
    '| run | docs | MB | wall s | MB/s | docs/s | MB/s per core (CPU time) | x floor (per core) | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const perCore = r.bytes / r.cpuSeconds;
    out.push(
      `| ${r.name} | ${r.docs.toLocaleString('en-US')} | ${fmt(mb(r.bytes), 0)} | ${fmt(r.wallSeconds)} | ${fmt(mb(r.bytes / r.wallSeconds))} | ` +
        `${Math.round(r.docs / r.wallSeconds).toLocaleString('en-US')} | ${fmt(mb(perCore))} | ${fmt(perCore / floorPerCore, 2)} | ${fmt(r.peakRssBytes / 2 ** 20, 0)} MiB |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const corpus = await ensureBenchCorpus(
    join(dataDir, quick ? 'quick' : 'full'),
    quick ? { targetGzBytes: 40e6, shards: 4, bigShardBytes: 200e6 } : {},
    log,
  );
  const shards = corpus.shards.map((s) => resolve(root, s.path));
  const shardBytes = corpus.shards.reduce((a, s) => a + s.jsonlBytes, 0);
  const shardDocs = corpus.shards.reduce((a, s) => a + s.docs, 0);
  const gzBytes = corpus.shards.reduce((a, s) => a + s.gzBytes, 0);
  log(`corpus: ${corpus.shards.length} shards, ${fmt(mb(gzBytes), 0)} MB gzip, ${fmt(mb(shardBytes), 0)} MB JSONL, ${shardDocs} docs; big shard ${fmt(mb(corpus.big.jsonlBytes), 0)} MB JSONL`);
  const fitDir = await ensureFit(corpus);
  const rows: Row[] = [];
  let rulesCost = { on: Number.NaN, off: Number.NaN };

  // The floor and the headline scorer run alternate REPS times; each keeps its run of least CPU time (peak RSS: the
  // largest of its runs).
  type ScoreRun = { docs: number; wallSeconds: number; cpuSeconds: number; peakRssBytes: number };
  type FloorRun = { docs: number; jsonlBytes: number; wallSeconds: number; cpuSeconds: number; peakRssBytes: number };
  const leastCpu = <T extends { cpuSeconds: number; peakRssBytes: number }>(runs: T[]): T => {
    const best = runs.reduce((a, r) => (r.cpuSeconds < a.cpuSeconds ? r : a));
    return { ...best, peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)) };
  };
  const floorRuns: FloorRun[] = [];
  const singleRuns: ScoreRun[] = [];
  for (let rep = 1; rep <= REPS; rep++) {
    log(`floor: read + gunzip + split + JSON.parse (${rep}/${REPS}) ...`);
    floorRuns.push(child<FloorRun>('floor-child.ts', shards));
    log(`scorer, 1 thread, big shard (${fmt(mb(corpus.big.jsonlBytes), 0)} MB JSONL) (${rep}/${REPS}) ...`);
    singleRuns.push(child<ScoreRun>('score-child.ts', [fitDir, join(dataDir, 'runs', 'single'), '0', resolve(root, corpus.big.path)]));
  }
  const floorRun = leastCpu(floorRuns);
  const single = leastCpu(singleRuns);
  const cpuSpread = (runs: { cpuSeconds: number }[]) => runs.map((r) => fmt(r.cpuSeconds, 2)).join(', ');
  const floor: Row = { name: `floor: read + gunzip + split lines + JSON.parse (1 thread${REPS > 1 ? `; least CPU of ${REPS} runs` : ''})`, docs: floorRun.docs, bytes: floorRun.jsonlBytes, wallSeconds: floorRun.wallSeconds, cpuSeconds: floorRun.cpuSeconds, peakRssBytes: floorRun.peakRssBytes, cores: 1 };
  rows.push(floor);
  rows.push({ name: `proxysel score stage, 1 thread, one ${fmt(mb(corpus.big.jsonlBytes) / 1000, 2)} GB shard${REPS > 1 ? ` (least CPU of ${REPS} runs)` : ''}`, docs: single.docs, bytes: corpus.big.jsonlBytes, ...pick(single), cores: 1 });
  for (const workers of [1, 2]) {
    log(`scorer, ${workers} worker thread(s), ${shards.length} shards ...`);
    const r = child<ScoreRun>('score-child.ts', [fitDir, join(dataDir, 'runs', `workers-${workers}`), String(workers), ...shards]);
    rows.push({ name: `proxysel score stage, ${workers} worker thread${workers > 1 ? 's' : ''}`, docs: r.docs, bytes: shardBytes, ...pick(r), cores: workers });
  }
  // Memory flat in the shard's size: the same one-thread score stage over a shard four times the big one (its gzip
  // members concatenated again), one run.
  const huge = await ensureHugeShard(corpus.big, 4);
  log(`scorer, 1 thread, huge shard (${fmt(mb(huge.jsonlBytes), 0)} MB JSONL) ...`);
  const hugeRun = child<ScoreRun>('score-child.ts', [fitDir, join(dataDir, 'runs', 'huge'), '0', huge.path]);
  rows.push({ name: `proxysel score stage, 1 thread, one ${fmt(mb(huge.jsonlBytes) / 1000, 2)} GB shard (memory: one run)`, docs: hugeRun.docs, bytes: huge.jsonlBytes, ...pick(hugeRun), cores: 1 });
  await rm(join(dataDir, 'runs', 'huge'), { recursive: true, force: true });

  // The score stage with and without deduplication's inputs (exact hash; MinHash signatures and band keys), one
  // thread over the same shards, then the dedup stages themselves (their own process) over the files each run wrote.
  const byDedup: Record<string, ScoreRun> = {};
  const dedupStages: Record<string, DedupChildResult> = {};
  for (const kind of ['none', 'exact', 'minhash']) {
    log(`scorer, 1 thread, dedup ${kind}, ${shards.length} shards ...`);
    const runDir = join(dataDir, 'runs', `dedup-${kind}`);
    byDedup[kind] = child<ScoreRun>('score-child.ts', ['--dedup', kind, fitDir, runDir, '0', ...shards]);
    rows.push({ name: `proxysel score stage, 1 thread, dedup ${kind}${kind === 'minhash' ? ' (signatures + band keys)' : kind === 'exact' ? ' (normalized-text hash)' : ''}`, docs: byDedup[kind]!.docs, bytes: shardBytes, ...pick(byDedup[kind]!), cores: 1 });
    if (kind !== 'none') {
      log(`dedup stages, ${kind}, 1 thread ...`);
      dedupStages[kind] = child<DedupChildResult>('dedup-child.ts', [runDir]);
    }
  }
  // The quality rules' cost: the default (exact dedup, rules on: the row above) against the same run with no rule evaluated.
  log(`scorer, 1 thread, dedup exact, quality rules off, ${shards.length} shards ...`);
  const rulesOff = child<ScoreRun>('score-child.ts', ['--dedup', 'exact', '--rules-off', fitDir, join(dataDir, 'runs', 'rules-off'), '0', ...shards]);
  rows.push({ name: 'proxysel score stage, 1 thread, dedup exact, quality rules off (rules.enabled false)', docs: rulesOff.docs, bytes: shardBytes, ...pick(rulesOff), cores: 1 });
  rulesCost = { on: byDedup.exact!.cpuSeconds, off: rulesOff.cpuSeconds };
  for (const [kind, d] of Object.entries(dedupStages)) {
    rows.push({
      name: `dedup stages, ${kind} (${d.groups} gather group(s) + ${d.partitions} partitions + removal lists + clusters, 1 thread, own process): ${d.records.toLocaleString('en-US')} records, ${d.pairs.toLocaleString('en-US')} verified pairs`,
      docs: byDedup[kind]!.docs,
      bytes: shardBytes,
      wallSeconds: d.wallSeconds,
      cpuSeconds: d.cpuSeconds,
      peakRssBytes: d.peakRssBytes,
      cores: 1,
    });
  }
  const dedupStage = dedupStages.minhash!;
  await rm(join(dataDir, 'runs'), { recursive: true, force: true });

  // End to end: a whole run (every stage, exact dedup, selected shards written) over the same shards, one thread.
  log(`proxysel run, end to end, 1 thread, ${shards.length} shards ...`);
  const e2e = child<RunChildResult>('run-child.ts', [corpus.demoDir, dirname(shards[0]!), join(dataDir, 'runs', 'e2e')]);
  rows.push({ name: `proxysel run end to end (every stage, dedup ${e2e.dedup}, selection written; 1 thread)`, docs: e2e.docs, bytes: shardBytes, ...pick(e2e), cores: 1 });
  await rm(join(dataDir, 'runs'), { recursive: true, force: true });

  const peers: Record<string, ChildTiming> = {};
  if (!args.has('--no-fasttext') && ensureFasttext(log)) {
    const ftDir = join(dataDir, 'fasttext');
    await mkdir(ftDir, { recursive: true });
    const trainFile = join(ftDir, `train-${fitDir.split('-').pop()}.txt`);
    const n = await writeTrainingFile(fitDir, trainFile);
    log(`fasttext: training file with ${n} labelled sample documents (loss quartiles as labels); texts one per line ...`);
    const input = join(ftDir, quick ? 'texts-quick.txt' : 'texts.txt');
    const { docs } = await writePredictInput(shards, input);
    const one = join(ftDir, 'one-line.txt');
    await writeFile(one, 'hello world\n');
    for (const dim of [16, 64]) {
      const prefix = join(ftDir, `model-${fitDir.split('-').pop()}-dim${dim}`);
      trainFasttext(trainFile, prefix, dim);
      log(`fasttext: predict, dim ${dim} ...`);
      const t = await timePredict(`${prefix}.bin`, input, one);
      peers[`dim${dim}`] = t;
      rows.push({ name: `fastText predict, dim ${dim} (1 thread; model load ${fmt(t.loadSeconds)} s excluded)`, docs, bytes: shardBytes, ...pick(t), cores: 1 });
    }
  } else log('fasttext: skipped');

  const md = table(rows, floor);
  const perCore = (r: Row | undefined) => (r ? r.bytes / r.cpuSeconds : Number.NaN);
  const scorerPerCore = perCore(rows[1]);
  const ftRow = rows.find((r) => r.name.includes('dim 16'));
  const rowOf = (tag: string) => rows.find((r) => r.name.includes(tag));
  const summary = [
    `scorer per core: ${fmt(mb(scorerPerCore))} MB/s = ${fmt((100 * scorerPerCore) / perCore(floor), 0)}% of the floor` +
      (ftRow ? `, ${fmt(scorerPerCore / perCore(ftRow), 2)}x fastText dim 16` : ''),
    ...(REPS > 1 ? [`CPU seconds of the alternating runs: floor ${cpuSpread(floorRuns)}; scorer on the big shard ${cpuSpread(singleRuns)}; the other rows are one run each`] : []),
    `scorer peak RSS on the ${fmt(mb(corpus.big.jsonlBytes) / 1000, 2)} GB shard: ${fmt(single.peakRssBytes / 2 ** 20, 0)} MiB (whole process, read when scoring ends: the dedup stages run after it)`,
    `score stage per core with dedup inputs, against dedup none in the same run: exact ${fmt(perCore(rowOf('dedup exact')) / perCore(rowOf('dedup none')), 2)}x, ` +
      `minhash ${fmt(perCore(rowOf('dedup minhash')) / perCore(rowOf('dedup none')), 2)}x; the dedup stages ` +
      `${Object.entries(dedupStages).map(([k, d]) => `${k} ${fmt(d.records / d.cpuSeconds / 1e6, 2)} million records per CPU-second (${fmt((100 * d.cpuSeconds) / byDedup[k]!.cpuSeconds, 0)}% of its score stage's CPU time; gather + partitions ${fmt(d.records / (d.stageCpuSeconds.gather + d.stageCpuSeconds.partitions) / 1e6, 2)} million records per CPU-second, removal lists + clusters ${fmt(d.pairs / (d.stageCpuSeconds.removals + d.stageCpuSeconds.clusters) / 1e3, 0)} thousand pairs per CPU-second)`).join('; ')}`,
    `memory: score stage peak RSS ${fmt(single.peakRssBytes / 2 ** 20, 0)} MiB on the ${fmt(mb(corpus.big.jsonlBytes) / 1000, 2)} GB shard, ` +
      `${fmt(hugeRun.peakRssBytes / 2 ** 20, 0)} MiB on the ${fmt(mb(huge.jsonlBytes) / 1000, 2)} GB shard (${fmt(hugeRun.peakRssBytes / single.peakRssBytes, 2)}x); ` +
      `dedup stages ${Object.entries(dedupStages).map(([k, d]) => `${k} ${fmt(d.peakRssBytes / 2 ** 20, 0)} MiB`).join(', ')}`,
    `end to end: a whole run takes ${fmt(e2e.cpuSeconds / mb(shardBytes), 3)} CPU-s per MB against the floor's ${fmt(floor.cpuSeconds / mb(floor.bytes), 4)} ` +
      `(${fmt(perCore(rowOf('end to end')) / perCore(floor), 2)}x the floor's rate); by phase (wall s): ${e2e.phases.map((p) => `${p.stage} ${fmt(p.seconds)}`).join(', ')}`,
    `quality rules (27, the default): the score stage per core with them ${fmt(mb(perCore(rowOf('dedup exact (normalized'))))} MB/s against ${fmt(mb(perCore(rowOf('quality rules off'))))} MB/s without, ` +
      `${fmt(perCore(rowOf('dedup exact (normalized')) / perCore(rowOf('quality rules off')), 2)}x (the rules cost ${fmt(100 * (1 - rulesCost.off / rulesCost.on), 0)}% of the throughput)`,
  ];
  const host = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.versions.node}`;
  const report = [
    '# Throughput',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${host} by \`npm run bench\`${quick ? ' --quick' : ''}.`,
    `Corpus: ${corpus.shards.length} gzip JSONL shards, ${fmt(mb(gzBytes), 0)} MB compressed / ${fmt(mb(shardBytes), 0)} MB uncompressed, ${shardDocs.toLocaleString('en-US')} documents ` +
      `(the demo corpus's documents repeated in shuffled order), mean ${fmt(shardBytes / shardDocs, 0)} bytes per record. The one-thread scorer run reads ` +
      `one ${fmt(mb(corpus.big.jsonlBytes), 0)} MB shard made of the same gzip members concatenated.`,
    'MB are uncompressed JSONL bytes (1e6); fastText reads only the texts (about 93% of those bytes). "Per core" divides by CPU time ' +
      '(user + system), which stays meaningful when other work shares the machine; "x floor" compares per-core rates.',
    '',
    md,
    '',
    ...summary.map((s) => `- ${s}`),
    '',
  ].join('\n');
  process.stdout.write(report);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, quick ? 'throughput-quick.md' : 'throughput.md'), report);
  const json = {
    version: 1,
    measuredAt: new Date().toISOString(),
    host,
    quick,
    corpus: { shards: corpus.shards.length, gzBytes, jsonlBytes: shardBytes, docs: shardDocs, compressionRatio: shardBytes / gzBytes, meanDocBytes: shardBytes / shardDocs },
    floor: { bytesPerCoreSecond: perCore(floor), bytesPerSecond: floor.bytes / floor.wallSeconds },
    scorer: {
      bytesPerCoreSecond: scorerPerCore,
      bytesPerSecond: rows[1]!.bytes / rows[1]!.wallSeconds,
      bigShardJsonlBytes: corpus.big.jsonlBytes,
      peakRssBytes: single.peakRssBytes,
      workers: rows.slice(2, 4).map((r) => ({ workers: r.cores, bytesPerSecond: r.bytes / r.wallSeconds, peakRssBytes: r.peakRssBytes })),
      dedupNoneBytesPerCoreSecond: perCore(rowOf('dedup none')),
      exactBytesPerCoreSecond: perCore(rowOf('dedup exact')),
      minhashBytesPerCoreSecond: perCore(rowOf('dedup minhash')),
    },
    dedup: {
      recordsPerCoreSecond: dedupStage.records / dedupStage.cpuSeconds,
      // Per-record work (gather + partitions) and per-pair work (clustering) of exact deduplication, apart: the
      // estimate prices records and duplicates separately.
      exactRecordsPerCoreSecond: dedupStages.exact!.records / (dedupStages.exact!.stageCpuSeconds.gather + dedupStages.exact!.stageCpuSeconds.partitions),
      // Exact decides its clusters in the partitions: the duplicates' own work is the removal lists and the summary.
      exactPairsPerCoreSecond: dedupStages.exact!.pairs / (dedupStages.exact!.stageCpuSeconds.removals + dedupStages.exact!.stageCpuSeconds.clusters),
      peakRssBytes: Math.max(...Object.values(dedupStages).map((d) => d.peakRssBytes)),
      stages: dedupStages,
    },
    hugeShard: { jsonlBytes: huge.jsonlBytes, peakRssBytes: hugeRun.peakRssBytes, bytesPerCoreSecond: huge.jsonlBytes / hugeRun.cpuSeconds },
    endToEnd: { ...e2e, bytesPerCoreSecond: shardBytes / e2e.cpuSeconds, cpuSecondsPerMb: e2e.cpuSeconds / mb(shardBytes) },
    fasttext: Object.fromEntries(Object.entries(peers).map(([k, t]) => [k, { bytesPerCoreSecond: shardBytes / t.cpuSeconds, bytesPerSecond: shardBytes / t.wallSeconds, peakRssBytes: t.peakRssBytes }])),
    rows,
  };
  await writeFile(join(resultsDir, quick ? 'throughput-quick.json' : 'throughput.json'), JSON.stringify(json, null, 2) + '\n');
  log(`done in ${fmt((performance.now() - started) / 1000, 0)} s; wrote bench/results/${quick ? 'throughput-quick' : 'throughput'}.{md,json}`);
}

/** A shard of `times` copies of the big shard's gzip members (a valid multi-member gzip file); reused when present. */
async function ensureHugeShard(big: BenchShard, times: number): Promise<{ path: string; jsonlBytes: number }> {
  const path = resolve(root, big.path).replace(/part-big\.jsonl\.gz$/, `part-huge-x${times}.jsonl.gz`);
  const bigPath = resolve(root, big.path);
  const want = times * (await stat(bigPath)).size;
  if (!existsSync(path) || (await stat(path)).size !== want) {
    log(`huge shard: ${times} x the big shard's gzip members -> ${path} ...`);
    const tmp = `${path}.tmp`;
    const out = createWriteStream(tmp);
    for (let i = 0; i < times; i++) for await (const chunk of createReadStream(bigPath)) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await finished(out);
    await rename(tmp, path);
  }
  return { path, jsonlBytes: times * big.jsonlBytes };
}

function pick(r: { wallSeconds: number; cpuSeconds: number; peakRssBytes: number }) {
  return { wallSeconds: r.wallSeconds, cpuSeconds: r.cpuSeconds, peakRssBytes: r.peakRssBytes };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
