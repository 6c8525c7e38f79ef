/**
 * The reading part alone, as its own process: readDocs over the shards with the score stage's batches, the consumer
 * keeping only the batch in hand (as the score stage does), plus the floor's loop over the same shards, alternating in
 * one process. Prints the median CPU seconds of each (PARTS=floor or PARTS=read for one of them).
 *
 * Usage: [CONSUME=for-await] tsx bench/lib/read-child.ts <rounds> <shard.jsonl.gz>...
 */
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BadRecordLog, readDocs, type ReadDocsOptions } from '../../lib/corpus/index.ts';
import type { WorkItem } from '../../lib/corpus/types.ts';
import { createStore } from '../../lib/store/index.ts';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function floor(paths: string[]): Promise<number> {
  let sink = 0;
  for (const path of paths) {
    let carry: Buffer | undefined;
    const gunzip = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 18 }));
    for await (const c of gunzip) {
      let chunk = c as Buffer;
      if (carry) {
        chunk = Buffer.concat([carry, chunk]);
        carry = undefined;
      }
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (nl > start) sink += (JSON.parse(chunk.toString('utf8', start, nl)) as { text: string }).text.length;
        start = nl + 1;
      }
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
    }
  }
  return sink;
}

async function main(): Promise<void> {
  const [roundsArg, ...shards] = process.argv.slice(2);
  const store = createStore();
  const items: WorkItem[] = [];
  for (const [i, path] of shards.entries()) {
    const size = (await stat(path)).size;
    const abs = resolve(path);
    items.push({ id: `b${i}`, uri: abs, key: basename(abs), format: 'jsonl.gz', size, etag: size.toString(16), bytes: size });
  }
  const bad = new BadRecordLog();
  const opts: ReadDocsOptions = { textField: 'text', idField: 'id', onBadRecord: 'skip', onBad: (b) => bad.add(b), batchDocs: 1024, batchBytes: 4 << 20 };
  let sink = 0;
  const only = process.env.PARTS?.split(',');
  const parts: Record<string, () => Promise<void>> = {
    floor: async () => {
      sink += await floor(shards.map((s) => resolve(s)));
    },
    // As the score stage consumes them: each batch taken in a call of its own (lib/pipeline/score.ts, scoreNext); with
    // CONSUME=for-await, by a `for await` loop (as the score stage did before 2026-12-07).
    read: async () => {
      for (const item of items) {
        if (process.env.CONSUME === 'for-await') {
          for await (const b of readDocs(store, item, opts)) sink += b.length;
          continue;
        }
        const batches = readDocs(store, item, opts);
        const next = async (): Promise<boolean> => {
          const r = await batches.next();
          if (r.done === true) return false;
          sink += r.value.length;
          return true;
        };
        while (await next());
      }
    },
  };
  const times: Record<string, number[]> = {};
  for (let r = 0; r < Number(roundsArg); r++) {
    for (const [name, fn] of Object.entries(parts)) {
      if (only && !only.includes(name)) continue;
      const t0 = cpu();
      await fn();
      (times[name] ??= []).push(cpu() - t0);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(6)} median ${median(xs).toFixed(3)} CPU-s; runs ${xs.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`sink ${sink}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
