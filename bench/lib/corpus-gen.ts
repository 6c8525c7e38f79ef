/**
 * The throughput benchmark's corpus: the demo corpus's good documents (Brown, nlp-corpus, SpamAssassin, generated
 * junk), repeated in seeded shuffled order under fresh ids into gzip JSONL shards until a compressed-size target is
 * reached, plus one "big" shard (the same gzip members concatenated, a valid multi-member gzip file) of at least
 * `bigShardBytes` uncompressed for the memory measurement. Cached: a complete corpus with the same options is reused.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { buildDemoCorpus } from '../../lib/demo/index.ts';
import { mulberry32 } from '../../lib/seeded-random.ts';

/** Options of ensureBenchCorpus. */
export interface BenchCorpusOptions {
  /** Total compressed size of the shards to reach (default 320 MB). */
  targetGzBytes?: number;
  /** Number of equal shards (default 4). */
  shards?: number;
  /** Uncompressed size the big shard reaches at least (default 1 GiB). */
  bigShardBytes?: number;
  seed?: number;
}

/** One generated shard. */
export interface BenchShard {
  path: string;
  /** Compressed size. */
  gzBytes: number;
  /** Uncompressed JSONL size. */
  jsonlBytes: number;
  /** UTF-8 bytes of the text fields. */
  textBytes: number;
  docs: number;
}

/** What ensureBenchCorpus built (also stored as `_COMPLETE.json`). */
export interface BenchCorpus {
  options: Required<BenchCorpusOptions>;
  shards: BenchShard[];
  /** The concatenated big shard (shard files repeated in order). */
  big: BenchShard;
  /** Demo corpus folder (reference text, fit inputs). */
  demoDir: string;
}

const LAYOUT = 'bench-corpus-v1';

/** mulberry32: a small seeded generator for the shuffles. */
const rng = mulberry32;

function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The good documents of the demo corpus's gzip JSONL shards, as {text, url}. */
async function demoDocs(demoDir: string): Promise<Array<{ text: string; url: string }>> {
  const docs: Array<{ text: string; url: string }> = [];
  for (let p = 0; p < 8; p++) {
    const path = join(demoDir, 'corpus', `part-${String(p).padStart(4, '0')}.jsonl.gz`);
    if (!existsSync(path)) continue;
    const gunzip = createReadStream(path).pipe(createGunzip());
    const chunks: Buffer[] = [];
    for await (const c of gunzip) chunks.push(c as Buffer);
    for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as { text?: unknown; url?: unknown };
        if (typeof r.text === 'string' && r.text.length > 0) docs.push({ text: r.text, url: typeof r.url === 'string' ? r.url : '' });
      } catch {
        // the demo plants bad records on purpose; the bench corpus holds good ones only
      }
    }
  }
  if (docs.length === 0) throw new Error(`${demoDir}: no documents found in the demo corpus shards`);
  return docs;
}

async function writeShard(path: string, docs: Array<{ text: string; url: string }>, shardIndex: number, gzTarget: number, seed: number): Promise<BenchShard> {
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(path);
  let gzBytes = 0;
  gzip.on('data', (c: Buffer) => {
    gzBytes += c.length;
  });
  gzip.pipe(out);
  const next = rng(seed * 7919 + shardIndex);
  let jsonlBytes = 0;
  let textBytes = 0;
  let n = 0;
  let round = 0;
  while (gzBytes < gzTarget) {
    const order = shuffle(docs.map((_, i) => i), next);
    let chunk = '';
    for (const i of order) {
      const d = docs[i]!;
      const line = JSON.stringify({ id: `s${shardIndex}-r${round}-${i}`, text: d.text, url: d.url }) + '\n';
      chunk += line;
      jsonlBytes += Buffer.byteLength(line);
      textBytes += Buffer.byteLength(d.text);
      n++;
      if (chunk.length > 1 << 20) {
        if (!gzip.write(chunk)) await once(gzip, 'drain');
        chunk = '';
        if (gzBytes >= gzTarget) break;
      }
    }
    if (chunk) if (!gzip.write(chunk)) await once(gzip, 'drain');
    round++;
  }
  gzip.end();
  await once(out, 'close');
  return { path, gzBytes: (await stat(path)).size, jsonlBytes, textBytes, docs: n };
}

/**
 * Builds (or reuses) the bench corpus under `dir`: `demo/` (the demo corpus, scale 1), `corpus/part-NNNN.jsonl.gz`
 * and `big/part-big.jsonl.gz`. `log` receives progress lines.
 */
export async function ensureBenchCorpus(dir: string, options: BenchCorpusOptions = {}, log: (line: string) => void = () => {}): Promise<BenchCorpus> {
  const opts: Required<BenchCorpusOptions> = {
    targetGzBytes: options.targetGzBytes ?? 320e6,
    shards: options.shards ?? 4,
    bigShardBytes: options.bigShardBytes ?? 2 ** 30,
    seed: options.seed ?? 1,
  };
  const donePath = join(dir, '_COMPLETE.json');
  if (existsSync(donePath)) {
    const done = JSON.parse(await readFile(donePath, 'utf8')) as BenchCorpus & { layout: string };
    if (done.layout === LAYOUT && JSON.stringify(done.options) === JSON.stringify(opts)) {
      log(`bench corpus: cached in ${dir}`);
      // Paths are re-rooted at `dir`, so the cache survives a move of the folder.
      return {
        options: done.options,
        shards: done.shards.map((s) => ({ ...s, path: join(dir, 'corpus', basename(s.path)) })),
        big: { ...done.big, path: join(dir, 'big', basename(done.big.path)) },
        demoDir: join(dir, 'demo'),
      };
    }
  }
  await rm(join(dir, 'corpus'), { recursive: true, force: true });
  await rm(join(dir, 'big'), { recursive: true, force: true });
  await mkdir(join(dir, 'corpus'), { recursive: true });
  await mkdir(join(dir, 'big'), { recursive: true });
  const demoDir = join(dir, 'demo');
  if (!existsSync(join(demoDir, '_COMPLETE.json'))) {
    log('bench corpus: building the demo corpus (scale 1) ...');
    await buildDemoCorpus(demoDir, { scale: 1, seed: opts.seed });
  }
  const docs = await demoDocs(demoDir);
  log(`bench corpus: ${docs.length} distinct demo documents; writing ${opts.shards} shards of ~${(opts.targetGzBytes / opts.shards / 1e6).toFixed(0)} MB gzip ...`);
  // gzip runs on the libuv thread pool: the shards compress in parallel.
  const shards = await Promise.all(
    Array.from({ length: opts.shards }, (_, s) =>
      writeShard(join(dir, 'corpus', `part-${String(s).padStart(4, '0')}.jsonl.gz`), docs, s, opts.targetGzBytes / opts.shards, opts.seed),
    ),
  );
  // The big shard: the shard files concatenated (gzip members), repeated until it is large enough.
  const bigPath = join(dir, 'big', 'part-big.jsonl.gz');
  const big: BenchShard = { path: bigPath, gzBytes: 0, jsonlBytes: 0, textBytes: 0, docs: 0 };
  const out = createWriteStream(bigPath);
  for (let i = 0; big.jsonlBytes < opts.bigShardBytes; i = (i + 1) % shards.length) {
    const s = shards[i]!;
    for await (const c of createReadStream(s.path)) if (!out.write(c)) await once(out, 'drain');
    big.gzBytes += s.gzBytes;
    big.jsonlBytes += s.jsonlBytes;
    big.textBytes += s.textBytes;
    big.docs += s.docs;
  }
  out.end();
  await once(out, 'close');
  const corpus: BenchCorpus = { options: opts, shards, big, demoDir };
  await writeFile(donePath, JSON.stringify({ layout: LAYOUT, ...corpus }, null, 2) + '\n');
  return corpus;
}
