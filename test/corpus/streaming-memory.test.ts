import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWorkItems, readDocs } from '../../lib/corpus/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { rng, workspace } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;
/**
 * Two full collections: V8 frees the backing stores of dead ArrayBuffers on a background thread after a collection,
 * and `arrayBuffers` counts them until then (under load, for long enough to double the figure); the second collection
 * first finishes the first one's sweeping.
 */
const gc = () => {
  fullGc();
  fullGc();
};

let dir: string;
let store: ObjectStore;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, store, cleanup } = await workspace());
});
afterAll(() => cleanup());

const TARGET_GZ_BYTES = 50 * 1024 * 1024;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Lines of random text (slices of a 4 MiB random pool), stored in gzip without compression (level 0) to keep the test fast,
 * until the gzip output reaches the target size; returns the number of documents written.
 */
async function writeBigShard(path: string): Promise<number> {
  const r = rng(11);
  const chars: string[] = [];
  for (let i = 0; i < 4 * 1024 * 1024; i++) chars.push(i % 7 === 6 ? ' ' : ALPHABET[Math.floor(r() * 62)]!);
  const pool = chars.join('');
  const out = createWriteStream(path);
  const gzip = createGzip({ level: 0 });
  let written = 0;
  let docs = 0;
  gzip.on('data', (c: Buffer) => (written += c.length));
  async function* lines() {
    while (written < TARGET_GZ_BYTES) {
      let chunk = '';
      for (let k = 0; k < 200; k++) {
        const len = 500 + Math.floor(r() * 3000);
        const at = Math.floor(r() * (pool.length - len));
        chunk += JSON.stringify({ id: `big-${docs}`, text: pool.slice(at, at + len) }) + '\n';
        docs += 1;
      }
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), gzip, out);
  return docs;
}

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('streaming', () => {
  it('reads a 50 MB .jsonl.gz shard with memory growth far below the shard size', async () => {
    const path = join(dir, 'big.jsonl.gz');
    const written = await writeBigShard(path);
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThanOrEqual(TARGET_GZ_BYTES);
    const [item] = planWorkItems([{ uri: path, key: 'big.jsonl.gz', size, etag: 'x' }], { maxItemBytes: 1 << 30 });

    gc();
    const before = used();
    let peak = Number.NEGATIVE_INFINITY;
    let docs = 0;
    let textBytes = 0;
    let batches = 0;
    for await (const batch of readDocs(store, item!, { textField: 'text', idField: 'id', onBadRecord: 'fail' })) {
      docs += batch.length;
      for (const d of batch) textBytes += d.bytes;
      batches += 1;
      if (batches % 20 === 0) {
        // A pause first lets the reader's stream buffers (file, gunzip input and read-ahead) fill up, as they do when
        // the consumer is slow or descheduled under load: the peak measured is their bound, not a lucky timing.
        await sleep(50);
        gc();
        peak = Math.max(peak, used() - before);
      }
    }
    expect(docs).toBe(written);
    expect(textBytes).toBeGreaterThan(size * 0.9); // the shard is nearly all text
    // Retained memory while streaming stays a small fraction of the shard (batches of ~1 MiB, gunzip's input and
    // read-ahead bounded: lib/corpus/jsonl.ts).
    expect(peak).toBeLessThan(size / 4);
  });
});
