import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { planWorkItems, readDocs, type ReadDocsOptions } from '../../lib/corpus/index.ts';
import type { Doc, WorkItem } from '../../lib/corpus/types.ts';
import { createStore } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { mulberry32 } from '../../lib/seeded-random.ts';

/** A small deterministic PRNG (mulberry32). */
export const rng = mulberry32;

const WORDS = ['alpha', 'béta', 'gamma', 'delta', '数据', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'λ', 'emoji 🙂', 'quote "x"', 'back\\slash', 'tab\there'];

export interface SampleRecord {
  id: string;
  text: string;
}

/** `n` records with varied lengths (some long, multi-byte characters, escapes), seeded. */
export function makeRecords(n: number, seed = 1, maxWords = 60): SampleRecord[] {
  const r = rng(seed);
  const out: SampleRecord[] = [];
  for (let i = 0; i < n; i++) {
    const words = 1 + Math.floor(r() * r() * maxWords);
    const parts: string[] = [];
    for (let w = 0; w < words; w++) parts.push(WORDS[Math.floor(r() * WORDS.length)]!);
    out.push({ id: `doc-${seed}-${i}`, text: parts.join(' ') });
  }
  return out;
}

/** JSONL bytes of records, one per line, with a trailing newline. */
export function jsonlBytes(records: readonly unknown[]): Buffer {
  return Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');
}

/** Byte offsets of the start of every line of `bytes` (the empty tail after a final newline excluded). */
export function lineStarts(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) if (i + 1 < bytes.length) starts.push(i + 1);
  return bytes.length === 0 ? [] : starts;
}

/** Compresses a file with the `zstd` CLI (Debian package zstd), failing clearly if it is missing. */
export function zstdFile(input: string, output: string): void {
  try {
    execFileSync('zstd', ['-q', '-f', '-3', input, '-o', output], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('the `zstd` command is needed to make .jsonl.zst test files (apt-get install zstd)');
    }
    throw e;
  }
}

/** Parquet bytes with `id` and `text` columns, `rowGroupSize` rows per row group. */
export function parquetBytes(records: readonly SampleRecord[], rowGroupSize: number): Buffer {
  const ab = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: records.map((r) => r.id), type: 'STRING' },
      { name: 'text', data: records.map((r) => r.text), type: 'STRING' },
    ],
    rowGroupSize,
  });
  return Buffer.from(ab);
}

export function gz(bytes: Buffer): Buffer {
  return gzipSync(bytes);
}

/** A fresh folder under the OS temp dir and a local store. */
export async function workspace(): Promise<{ dir: string; store: ObjectStore; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'proxysel-corpus-'));
  return { dir, store: createStore(), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `bytes` as `name` in `dir` and plans it as one shard (or byte ranges of at most maxItemBytes). */
export async function shardItems(dir: string, name: string, bytes: Buffer, maxItemBytes = 1 << 30): Promise<WorkItem[]> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const size = (await stat(path)).size;
  return planWorkItems([{ uri: path, key: name, size, etag: 'x' }], { maxItemBytes });
}

/** Every document of an item, flattened. */
export async function allDocs(store: ObjectStore, item: WorkItem, opts: Partial<ReadDocsOptions> = {}): Promise<Doc[]> {
  const out: Doc[] = [];
  const options: ReadDocsOptions = { textField: 'text', idField: 'id', onBadRecord: 'skip', ...opts };
  for await (const batch of readDocs(store, item, options)) out.push(...batch);
  return out;
}
