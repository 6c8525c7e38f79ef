/**
 * The floor's loop and the bench's work items, shared by the bench children: read + gunzip + split lines (on Buffers) +
 * JSON.parse of every line, nothing else; and a local gzip JSONL shard as the work item the pipeline reads.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { WorkItem } from '../../lib/corpus/types.ts';

/** Parses every line of the shards; `sink` (the texts' lengths) keeps the work from being optimized away. */
export async function parseFloor(paths: readonly string[]): Promise<{ docs: number; jsonlBytes: number; sink: number }> {
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
  return { docs, jsonlBytes, sink };
}

/** Local gzip JSONL shards as work items (id b<i>, the whole file). */
export async function shardWorkItems(paths: readonly string[]): Promise<WorkItem[]> {
  const items: WorkItem[] = [];
  for (const [i, path] of paths.entries()) {
    const size = (await stat(path)).size;
    const abs = resolve(path);
    items.push({ id: `b${i}`, uri: abs, key: basename(abs), format: 'jsonl.gz', size, etag: size.toString(16), bytes: size });
  }
  return items;
}
