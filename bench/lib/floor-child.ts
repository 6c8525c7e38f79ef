/**
 * The floor, as its own process: read + gunzip + split lines (on Buffers) + JSON.parse of every line, nothing else.
 * Prints one JSON line: docs, jsonl bytes, text bytes, wall and CPU seconds, peak RSS.
 *
 * Usage: tsx bench/lib/floor-child.ts <shard.jsonl.gz>...
 */
import { parseFloor } from './parse-floor.ts';

export interface FloorResult {
  docs: number;
  jsonlBytes: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

async function floor(paths: string[]): Promise<FloorResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { docs, jsonlBytes, sink } = await parseFloor(paths);
  if (sink < 0) throw new Error('unreachable');
  const cu = process.cpuUsage(c0);
  return {
    docs,
    jsonlBytes,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

floor(process.argv.slice(2)).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`floor-child: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
