/**
 * Ablations of the featurizer's scan kernel (lib/features/kernel/scan-kernel.as.ts), timed in one process: each
 * variant is the kernel's source with a few text patches (below, each checked to apply), compiled as
 * scripts/build-kernel.ts compiles the kernel and run by the production ScanKernel (its tables, memory layout and
 * `scan`) over the same in-memory texts (the score stage's batches: 1024 documents or 4 MiB). Rounds interleave
 * the variants (the order rotates every round); each variant's time is the CPU time of one pass over all batches
 * (the copy included, as in ScanKernel.scan). Prints per variant the median CPU seconds, ns per byte of JSONL and the
 * ratio to V0. The variants' bits differ from the kernel's by design (they bound what a redefined scan could save);
 * only V0 and its copy must match the production kernel, which is checked (hashes, counts, counters of every batch).
 * A measurement tool for docs/performance.md ("What a third of the floor would take"), not part of the pipeline.
 *
 * Results (2026-12-08): docs/performance.md, "What a third of the floor would take".
 *
 * Usage: [VARIANTS=V0,V0copy,...] tsx bench/lib/scan-variants.ts <rounds> <shard.jsonl.gz>...
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_MAX_WORDS } from '../../lib/features/featurizer.ts';
import { COUNTERS, ScanKernel } from '../../lib/features/kernel/scan-kernel.ts';
import { Wasm } from '../../lib/wasm.ts';
import { compileKernelText } from '../../scripts/build-kernel.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Replaces every occurrence of `from` (which must occur `times` times) in `src`. */
function patch(src: string, from: string, to: string, times: number): string {
  const parts = src.split(from);
  if (parts.length - 1 !== times) throw new Error(`patch: ${JSON.stringify(from)} occurs ${parts.length - 1} times, expected ${times}`);
  return parts.join(to);
}

/** Drops the per-code-unit FNV chains of the text hash e1 and the line hash: both become chains over the words' hashes. */
function noE1LineChains(src: string): string {
  let s = patch(src, 'e1 = (e1 ^ c) * FNV_PRIME;', '', 2);
  s = patch(s, 'e1 = (e1 ^ lc) * FNV_PRIME;', '', 1);
  s = patch(s, 'if (words > 0) e1 = (e1 ^ 32) * FNV_PRIME;', '', 1);
  s = patch(s, 'lineHash = (lineHash ^ c) * FNV_PRIME;', '', 4);
  s = patch(s, 'lineHash = (lineHash ^ 32) * FNV_PRIME;', '', 1);
  return patch(s, 'const h = fmix32(wh);', 'const h = fmix32(wh);\n      e1 = (e1 ^ h) * FNV_PRIME;\n      lineHash = (lineHash ^ h) * FNV_PRIME;', 1);
}

/** Word hashes over the word's code units 4 at a time (one u64 load, ASCII case folded by OR 0x20 per unit, multiply-xorshift). */
const CHUNK_HASH = `
const CASE_FOLD: u64 = 0x0020002000200020;
// @ts-ignore: decorator
@inline function chunkHash(p: usize, wlen: i32): i32 {
  let h: u64 = <u64>wlen * 0x9e3779b97f4a7c15;
  let q = p;
  const e = p + ((<usize>wlen) << 1);
  while (q + 8 <= e) {
    h = (h ^ (load<u64>(q) | CASE_FOLD)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
    q += 8;
  }
  if (q < e) {
    const mask: u64 = (<u64>-1) >> (64 - ((<u64>(e - q)) << 3));
    h = (h ^ ((load<u64>(q) | CASE_FOLD) & mask)) * 0xff51afd7ed558ccd;
    h ^= h >> 29;
  }
  return <i32>(h ^ (h >> 32));
}
/** A word's hash from its first and last 4 code units and its length (O(1) per word, no branch). */
// @ts-ignore: decorator
@inline function endsHash(p: usize, wlen: i32): i32 {
  const n = wlen < 4 ? wlen : 4;
  const mask: u64 = (<u64>-1) >> (64 - ((<u64>n) << 4));
  const a = (load<u64>(p) | CASE_FOLD) & mask;
  // Loaded whatever the length (a load under a condition stays a branch, mispredicted at word ends): a short word's
  // last 4 reach before its start, which the select drops.
  const b = select<u64>(load<u64>(p + ((<usize>wlen) << 1) - 8) | CASE_FOLD, 0, wlen > 4);
  let h = (a * 0xff51afd7ed558ccd) ^ (b * 0xc4ceb9fe1a85ec53) ^ (<u64>wlen * 0x9e3779b97f4a7c15);
  h ^= h >> 29;
  return <i32>(h ^ (h >> 32));
}
`;

/** Replaces the per-code-unit FNV chain of the word hash wh by `fn`(word start, length) once per word. */
function perWordHash(src: string, fn: string): string {
  let s = patch(src, 'wh = (wh ^ c) * FNV_PRIME;', '', 2);
  s = patch(s, 'wh = (wh ^ lc) * FNV_PRIME;', '', 1);
  s = patch(s, 'const h = fmix32(wh);', `wh = ${fn}(at + ((<usize>start) << 1), wlen);\n      const h = fmix32(wh);`, 1);
  return patch(s, '/** Counters per document, in this order', `${CHUNK_HASH}\n/** Counters per document, in this order`, 1);
}

/**
 * A hashes-only scan: words (maximal runs of word characters), their hashes (`hash`: 'fnv' the kernel's lowercased
 * FNV-1a chain per code unit, 'chunk' chunkHash once per word), the type set, unigram counts and bigrams of the first
 * maxWords words, every word's hash when asked; no dense counters, no line set, no stop words, no text hashes.
 * 'none': the word boundaries only (a word's "hash" is its length, no type set, no bigrams): the loop's own floor.
 */
function hashesOnly(src: string, hash: 'fnv' | 'chunk' | 'none'): string {
  const begin = src.indexOf('function scanText<R>(');
  const end = src.indexOf('/**\n * Adds a line hash');
  if (begin < 0 || end < 0) throw new Error('hashesOnly: scanText not found');
  const body = `function scanText<R>(at: usize, len: i32, hashes: usize, hashCounts: usize, pos: i32, out: usize): i32 {
  const end = at + ((<usize>len) << 1);
  const saved = load<u16>(end);
  store<u16>(end, 0);
  typeStamp = nextStamp(typeStamp, typeSlotsAt, (<usize>(typeMask + 1)) << 4);
  const kindT = kindAt;
  const lowerT = lowerAt;
  const lowerN = lowerSize;
  const slotsT = typeSlotsAt;
  const tMask = typeMask;
  const tShift = typeShift;
  const maxW = maxWords;
  const tStamp = typeStamp;
  let wordsOut = wordsOutAt;
  let words = 0;
  const pos0 = pos;
  let prev: i32 = 0;
  let i = 0;
  while (i < len) {
    let c = <i32>load<u16>(at + ((<usize>i) << 1));
    let k = <i32>load<u8>(kindT + <usize>c);
    if (k & WORD_CLASSES) {
      const start = i;
      let wh = FNV_OFFSET;
      while (true) {
        ${hash === 'fnv' ? 'wh = (wh ^ (c < lowerN ? <i32>load<u16>(lowerT + ((<usize>c) << 1)) : c)) * FNV_PRIME;' : ''}
        ++i; // the sentinel at len is not a word character
        c = <i32>load<u16>(at + ((<usize>i) << 1));
        if (<u32>(c - 97) < 26) continue;
        k = <i32>load<u8>(kindT + <usize>c);
        if ((k & WORD_CLASSES) == 0) break;
      }
      const wlen = i - start;
      ${hash === 'chunk' ? 'wh = chunkHash(at + ((<usize>start) << 1), wlen);' : hash === 'none' ? 'wh = wlen;' : ''}
      words++;
      const h = fmix32(wh);
      if (wordsOut != 0) {
        store<i32>(wordsOut, h);
        wordsOut += 4;
      }
      if (${hash === 'none' ? 'false' : 'words <= maxW'}) {
        let s = <i32>(<u32>(wh * SET_MUL) >>> tShift);
        let sa = slotsT + ((<usize>s) << 4);
        let fresh = <i32>(load<i32>(sa) != tStamp);
        while ((fresh | <i32>(load<i32>(sa, 4) == h)) == 0) {
          s = (s + 1) & tMask;
          sa = slotsT + ((<usize>s) << 4);
          fresh = <i32>(load<i32>(sa) != tStamp);
        }
        const first = select<i32>(pos, load<i32>(sa, 8), fresh != 0);
        store<i32>(sa, tStamp);
        store<i32>(sa, h, 4);
        store<i32>(sa, first, 8);
        const ca = hashCounts + ((<usize>first) << 2);
        store<i32>(hashes + ((<usize>first) << 2), h);
        store<i32>(ca, select<i32>(1, load<i32>(ca) + 1, fresh != 0));
        pos += fresh;
        if (words > 1) {
          store<i32>(hashes + ((<usize>pos) << 2), fmix32(prev * 0x2545f491 + h + 0x3c6ef372));
          store<i32>(hashCounts + ((<usize>pos) << 2), 1);
          pos++;
        }
        prev = h;
      }
      if (i == len) break;
    }
    i++;
  }
  store<i32>(out + (C_LEN << 2), len);
  store<i32>(out + (C_WORDS << 2), words);
  const used = words < maxW ? words : maxW;
  store<i32>(out + (C_USED << 2), used);
  store<i32>(out + (C_DISTINCT << 2), pos - pos0 - (used > 0 ? used - 1 : 0));
  wordsOutAt = wordsOut;
  store<u16>(end, saved);
  return pos;
}

`;
  const s = src.slice(0, begin) + body + src.slice(end);
  return hash === 'chunk' ? patch(s, '/** Counters per document, in this order', `${CHUNK_HASH}\n/** Counters per document, in this order`, 1) : s;
}

/**
 * A SIMD floor: word starts counted 8 code units at a time (a word character by compares, no table: an ASCII letter
 * or digit, or any code unit from U+0080), the last len % 8 code units not scanned; no hashes at all.
 */
function simdBoundaries(src: string): string {
  const begin = src.indexOf('function scanText<R>(');
  const end = src.indexOf('/**\n * Adds a line hash');
  if (begin < 0 || end < 0) throw new Error('simdBoundaries: scanText not found');
  const body = `function scanText<R>(at: usize, len: i32, hashes: usize, hashCounts: usize, pos: i32, out: usize): i32 {
  let words = 0;
  let prevBit: i32 = 0;
  const n8 = len & ~7;
  const fold = i16x8.splat(0x20);
  const a = i16x8.splat(97);
  const z = i16x8.splat(48);
  const n26 = i16x8.splat(26);
  const n10 = i16x8.splat(10);
  const n127 = i16x8.splat(127);
  for (let i = 0; i < n8; i += 8) {
    const v = v128.load(at + ((<usize>i) << 1));
    const letter = i16x8.lt_u(i16x8.sub(v128.or(v, fold), a), n26);
    const digit = i16x8.lt_u(i16x8.sub(v, z), n10);
    const wide = i16x8.gt_u(v, n127);
    const bits = i16x8.bitmask(v128.or(v128.or(letter, digit), wide));
    words += <i32>popcnt(bits & ~((bits << 1) | prevBit));
    prevBit = (bits >> 7) & 1;
  }
  store<i32>(out + (C_LEN << 2), len);
  store<i32>(out + (C_WORDS << 2), words);
  return pos;
}

`;
  return src.slice(0, begin) + body + src.slice(end);
}

interface Variant {
  name: string;
  what: string;
  source: (src: string) => string;
  /** Scan with the rules' token records (scanBatch's i32 path), else without (f64 path). */
  tokens?: boolean;
  /** Copies the texts in only (scanBatch returns at once): not compared with the production kernel. */
  copyOnly?: boolean;
  /** Writes no hashes (its distinct-hash counter is not written). */
  noHashes?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'V0', what: 'the kernel as is, without the rules token records (f64 path)', source: (s) => s },
  { name: 'V0copy', what: 'V0 compiled and instantiated again (noise control)', source: (s) => s },
  { name: 'V0tok', what: 'the kernel as is, with the rules token records (i32 path; V1 = V0 without them)', source: (s) => s, tokens: true },
  { name: 'V2a', what: 'V0 without the per-code-unit e1 and line-hash FNV chains (both chained over word hashes instead)', source: noE1LineChains },
  { name: 'V2', what: 'V2a, and the word hash per word over 4 code units at a time (u64 loads, ASCII case fold, mul-xorshift) instead of per-code-unit FNV', source: (s) => perWordHash(noE1LineChains(s), 'chunkHash') },
  { name: 'V2b', what: 'V2a, and the word hash from the first and last 4 code units and the length (O(1) per word)', source: (s) => perWordHash(noE1LineChains(s), 'endsHash') },
  { name: 'V3', what: 'hashes only: word boundaries, chunked word hash, type set, unigram counts, bigrams; no counters, lines, stop words, text hashes', source: (s) => hashesOnly(s, 'chunk') },
  { name: 'V3fnv', what: 'V3 with the kernel\'s per-code-unit lowercased FNV word hash', source: (s) => hashesOnly(s, 'fnv') },
  { name: 'V4', what: 'word boundaries only: the per-code-unit loop, words counted, no hashing, type set or bigrams', source: (s) => hashesOnly(s, 'none'), noHashes: true },
  { name: 'V5simd', what: 'word starts counted 8 code units at a time with SIMD compares (no table, no hashes; the last len % 8 code units skipped)', source: simdBoundaries, noHashes: true },
  { name: 'copy', what: 'the UTF-16 copy of the texts into wasm memory only (part of every row above)', source: (s) => patch(s, '  wordsOutAt = words;\n', '  return pos;\n  wordsOutAt = words;\n', 1), copyOnly: true },
];

/** A variant's ScanKernel (its own build of the kernel, the production tables and memory layout). */
async function kernelOf(source: string, name: string, maxWords: number): Promise<ScanKernel> {
  return new ScanKernel({ maxWords, seeds: Int32Array.from([1]), buckets: 1 << 16, shift: 16, padId: 0 }, new Wasm.Module(await compileKernelText(source, name)));
}

/** Reads the shards' documents into the score stage's batches (1024 documents or 4 MiB of JSONL). */
async function readBatches(shards: string[]): Promise<{ batches: string[][]; jsonl: number }> {
  const batches: string[][] = [];
  let jsonl = 0;
  let cur: string[] = [];
  let curBytes = 0;
  for (const shard of shards) {
    for (const line of gunzipSync(await readFile(shard)).toString('utf8').split('\n')) {
      if (!line) continue;
      const bytes = Buffer.byteLength(line) + 1;
      cur.push((JSON.parse(line) as { text: string }).text);
      curBytes += bytes;
      jsonl += bytes;
      if (cur.length >= 1024 || curBytes >= 4 << 20) {
        batches.push(cur);
        cur = [];
        curBytes = 0;
      }
    }
  }
  if (cur.length > 0) batches.push(cur);
  return { batches, jsonl };
}

async function main(): Promise<void> {
  const [roundsArg, ...shards] = process.argv.slice(2);
  if (!roundsArg || shards.length === 0) throw new Error('usage: scan-variants.ts <rounds> <shard.jsonl.gz>...');
  const names = process.env.VARIANTS?.split(',');
  const variants = names ? names.map((n) => VARIANTS.find((v) => v.name === n) ?? (() => { throw new Error(`unknown variant ${n}`); })()) : VARIANTS;
  const src = await readFile(join(ROOT, 'lib', 'features', 'kernel', 'scan-kernel.as.ts'), 'utf8');
  const maxWords = DEFAULT_MAX_WORDS;
  const kernels = new Map<string, ScanKernel>();
  for (const v of variants) kernels.set(v.name, await kernelOf(v.source(src), `scan-${v.name}`, maxWords));
  const { batches, jsonl } = await readBatches(shards);
  console.log(`${batches.length} batches, ${(jsonl / 1e6).toFixed(1)} MB of JSONL, maxWords ${maxWords}`);

  // V0 (and its copy) against the production kernel, and every variant's words and distinct hashes against V0's.
  const prod = new ScanKernel({ maxWords, seeds: Int32Array.from([1]), buckets: 1 << 16, shift: 16, padId: 0 });
  const digest = (h: ReturnType<typeof createHash>, x: { hashes: Int32Array; counts: Int32Array; counters: Int32Array }) => {
    for (const a of [x.hashes, x.counts, x.counters]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  };
  const ref = createHash('sha256');
  for (const b of batches) digest(ref, prod.scan(b, {}));
  const refHex = ref.digest('hex');
  const col = (x: Int32Array, j: number) => { let s = 0; for (let i = j; i < x.length; i += COUNTERS) s += x[i]!; return s; };
  for (const v of variants) {
    if (v.copyOnly) continue;
    const h = createHash('sha256');
    let words = 0;
    let distinct = 0;
    for (const b of batches) {
      const x = kernels.get(v.name)!.scan(b, { ruleTokens: v.tokens === true });
      digest(h, x);
      words += col(x.counters, 1);
      distinct += col(x.counters, 5);
    }
    const same = h.digest('hex') === refHex;
    console.log(`${v.name.padEnd(7)} words ${words} distinct ${v.noHashes ? '-' : distinct}  ${same ? 'identical to the production kernel' : 'differs from the production kernel'}`);
  }

  const rounds = Number(roundsArg);
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(j + r) % variants.length]!;
      const k = kernels.get(v.name)!;
      const t0 = cpu();
      for (const b of batches) sink += k.scan(b, { ruleTokens: v.tokens === true }).hashes.length;
      times.get(v.name)!.push(cpu() - t0);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(times.get(variants[0]!.name)!);
  console.log(`rounds ${rounds} (sink ${sink}); ratio to ${variants[0]!.name}`);
  for (const v of variants) {
    const m = median(times.get(v.name)!);
    console.log(`${v.name.padEnd(7)} ${m.toFixed(3)} CPU-s  ${((m * 1e9) / jsonl).toFixed(2)} ns/byte  ${(m / base).toFixed(3)}  | ${v.what}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
