/**
 * The floor, as its own process: read + gunzip + split lines (on Buffers) + JSON.parse of every line, nothing else.
 * Prints one JSON line: docs, jsonl bytes, text bytes, wall and CPU seconds, peak RSS.
 *
 * Usage: tsx bench/lib/floor-child.ts <shard.jsonl.gz>...
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

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
  let docs = 0;
  let jsonlBytes = 0;
  let sink = 0;
  for (const path of paths) {
    let carry: Buffer | undefined;
    const gunzip = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 18 }));
    for await (const c of gunzip) {
      let chunk = c as Buffer;
      jsonlBytes += chunk.length;
      if (carry) {
        chunk = Buffer.concat([carry, chunk]);
        carry = undefined;
      }
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (nl > start) {
          const rec = JSON.parse(chunk.toString('utf8', start, nl)) as { text: string };
          sink += rec.text.length;
          docs++;
        }
        start = nl + 1;
      }
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
    }
    if (carry && carry.length > 0) {
      JSON.parse(carry.toString('utf8'));
      docs++;
    }
  }
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
