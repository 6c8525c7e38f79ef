/**
 * The reading part alone, as its own process: readDocs over the shards with the score stage's batches, the consumer
 * keeping only the batch in hand (as the score stage does), plus the floor's loop over the same shards, alternating in
 * one process. Prints the median CPU seconds of each (PARTS=floor or PARTS=read for one of them).
 *
 * Usage: [CONSUME=for-await] tsx bench/lib/read-child.ts <rounds> <shard.jsonl.gz>...
 */
import { resolve } from 'node:path';
import { BadRecordLog, readDocs, type ReadDocsOptions } from '../../lib/corpus/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { parseFloor, shardWorkItems } from './parse-floor.ts';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  const [roundsArg, ...shards] = process.argv.slice(2);
  const store = createStore();
  const items = await shardWorkItems(shards);
  const bad = new BadRecordLog();
  const opts: ReadDocsOptions = { textField: 'text', idField: 'id', onBadRecord: 'skip', onBad: (b) => bad.add(b), batchDocs: 1024, batchBytes: 4 << 20 };
  let sink = 0;
  const only = process.env.PARTS?.split(',');
  const parts: Record<string, () => Promise<void>> = {
    floor: async () => {
      sink += (await parseFloor(shards.map((s) => resolve(s)))).sink;
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
