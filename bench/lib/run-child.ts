/**
 * A whole `proxysel run` over the bench corpus in one process and one thread (the local runner with no worker
 * threads): plan, sample, the n-gram reference pass on the sample, fit, score, dedup (the default, exact), reduce,
 * count, select (writing the selected shards), finalize and report. Prints one JSON line: wall and CPU seconds, peak
 * RSS, and each phase's wall seconds.
 * Usage: tsx bench/lib/run-child.ts <demo-dir> <corpus-dir> <out-dir>
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { demoJobSpec } from '../../lib/cli/demo.ts';
import { closeScorers, silentLogger } from '../../lib/pipeline/index.ts';
import { runJob } from '../../lib/runner/index.ts';

export interface RunChildResult {
  docs: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  phases: { stage: string; seconds: number }[];
  dedup: string;
}

async function main(demoDir?: string, corpusDir?: string, outDir?: string): Promise<RunChildResult> {
  if (!demoDir || !corpusDir || !outDir) throw new Error('usage: run-child.ts <demo-dir> <corpus-dir> <out-dir>');
  const out = resolve(outDir);
  await rm(out, { recursive: true, force: true });
  // The demo job (its labels name the demo corpus's documents, not the bench corpus's: left out).
  const { labels: _labels, ...spec } = await demoJobSpec(resolve(demoDir), out);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await runJob({ ...spec, corpus: { ...(spec.corpus as object), uri: resolve(corpusDir) }, sample: { docs: 4000, seed: 1 } }, { workers: 0, log: silentLogger });
  await closeScorers();
  const cu = process.cpuUsage(c0);
  return {
    docs: result.manifest.corpus.docs,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    phases: result.timings.map((t) => ({ stage: t.stage, seconds: t.seconds })),
    dedup: String((result.manifest as { dedup?: { kind: string } }).dedup?.kind ?? 'none'),
  };
}

main(...process.argv.slice(2)).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`run-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
