import { CHAR_KIND, LOWER, LOWER_TABLE_SIZE, WORD_CLASSES } from '../features/index.ts';
import { FNV_OFFSET, FNV_PRIME, fmix32, TEXT_HASH_SEED, textHashFirst, textHashSecond, textHashWord } from '../features/index.ts';
import { MinHashParamsError } from './errors.ts';
import { MinHashKernel } from './kernel/minhash-kernel.ts';
import type { MinHashParams } from './types.ts';

/** Longest shingle accepted (words). */
const MAX_SHINGLE = 32;
/** Longest signature accepted (hashes). */
const MAX_HASHES = 1024;
const GOLDEN = 0x9e3779b1 | 0;
/** Base of the rolling polynomial hash of a shingle's word hashes (odd). */
const SHINGLE_BASE = 0x01000193;
/** Salt between a shingle's bin (its top bits) and its value (a remix), so the two are independent. */
const VALUE_SALT = 0x27d4eb2f;
/** Salt of the densification's probe sequence. */
const PROBE_SALT = 0x165667b1;

/**
 * Checks a parameter set.
 *
 * @throws MinHashParamsError naming the field
 */
export function checkMinHashParams(p: MinHashParams): void {
  const int = (name: keyof MinHashParams, lo: number, hi: number) => {
    const v = p[name];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new MinHashParamsError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  int('shingle', 1, MAX_SHINGLE);
  int('hashes', 1, MAX_HASHES);
  int('bands', 1, MAX_HASHES);
  int('rows', 1, MAX_HASHES);
  int('seed', 0, 0xffffffff);
  if (p.bands * p.rows !== p.hashes) throw new MinHashParamsError(`bands x rows (${p.bands} x ${p.rows}) must equal hashes (${p.hashes})`);
}

/**
 * Computes, in one scan of a text and with no allocation per document, its normalized-text hash and its MinHash
 * signature.
 *
 * Normalization: words are maximal runs of word characters (letters, digits, non-ASCII word characters, as the
 * featurizer defines them), lowercased; punctuation, quotes, whitespace and line breaks only separate words. So a copy
 * that differs in case, quote style, spacing or punctuation has the same exact hash.
 *
 * Signature: one-permutation MinHash over word `shingle`-grams (a text with fewer words is one shingle): each shingle's
 * 32-bit hash picks a bin by its top bits and competes for the bin's minimum with a remixed value; empty bins are
 * filled by optimal densification (Shrivastava 2017: each empty bin copies the first non-empty bin of its own seeded
 * probe sequence), which keeps Pr[bin i agrees] = Jaccard for every bin. One hash per shingle instead of one per
 * shingle and permutation: the cost does not grow with the signature length.
 */
export class MinHasher {
  readonly params: Readonly<MinHashParams>;
  /** The last text's signature (valid until the next call). */
  readonly signature: Uint32Array;
  /** The last text's normalized-text hash: two independent 32-bit halves. */
  readonly exact: [number, number] = [0, 0];
  /** Words in the last text. */
  words = 0;
  private readonly filled: Uint8Array;
  /** The last `shingle` word hashes (a ring). */
  private readonly ring: Int32Array;
  /** SHINGLE_BASE^(shingle - 1) mod 2^32: the weight of the word leaving the rolling hash. */
  private readonly outWeight: number;
  /** hashWords' kernel, made on first use. */
  private kernel: MinHashKernel | undefined;

  /**
   * @param options.exactOnly compute only the normalized-text hash (exact deduplication): the shingle hashing is skipped
   */
  constructor(
    params: MinHashParams,
    private readonly options: { exactOnly?: boolean } = {},
  ) {
    checkMinHashParams(params);
    this.params = { ...params };
    this.signature = new Uint32Array(params.hashes);
    this.filled = new Uint8Array(params.hashes);
    this.ring = new Int32Array(params.shingle);
    let w = 1;
    for (let i = 1; i < params.shingle; i++) w = Math.imul(w, SHINGLE_BASE);
    this.outWeight = w;
  }

  private addShingle(h: number): void {
    const k = this.signature.length;
    const bin = Math.floor(((h >>> 0) * k) / 4294967296);
    const value = fmix32(h ^ VALUE_SALT) >>> 0;
    if (!this.filled[bin] || value < this.signature[bin]!) {
      this.signature[bin] = value;
      this.filled[bin] = 1;
    }
  }

  /**
   * Hashes one text; the results are in `exact`, `signature` and `words`.
   *
   * @returns false when the text has no words (its signature is then meaningless: no band keys should be written)
   */
  hash(text: string): boolean {
    const n = this.params.shingle;
    const ring = this.ring;
    const sig = this.signature;
    const filled = this.filled;
    filled.fill(0);
    let e1 = FNV_OFFSET;
    let e2 = TEXT_HASH_SEED;
    let words = 0;
    let roll = 0;
    const outWeight = this.outWeight;
    const exactOnly = this.options.exactOnly === true;
    const seed = this.params.seed | 0;
    const len = text.length;
    let i = 0;
    while (i < len) {
      let c = text.charCodeAt(i);
      if ((CHAR_KIND[c]! & WORD_CLASSES) === 0) {
        i++;
        continue;
      }
      let wh = FNV_OFFSET;
      if (words > 0) e1 = Math.imul(e1 ^ 32, FNV_PRIME);
      for (;;) {
        const lc = c < LOWER_TABLE_SIZE ? LOWER[c]! : c;
        wh = Math.imul(wh ^ lc, FNV_PRIME);
        e1 = Math.imul(e1 ^ lc, FNV_PRIME);
        if (++i === len) break;
        c = text.charCodeAt(i);
        if ((CHAR_KIND[c]! & WORD_CLASSES) === 0) break;
      }
      const w = fmix32(wh);
      e2 = textHashWord(e2, w);
      // Rolling hash of the last n word hashes: drop the oldest, shift, add the newest (O(1) per word).
      const slot = words % n;
      if (words >= n) roll = (roll - Math.imul(ring[slot]!, outWeight)) | 0;
      roll = (Math.imul(roll, SHINGLE_BASE) + w) | 0;
      ring[slot] = w;
      words++;
      if (words >= n && !exactOnly) this.addShingle(fmix32(roll ^ seed));
    }
    this.words = words;
    this.exact[0] = textHashFirst(e1, words);
    this.exact[1] = textHashSecond(e2, words);
    if (words === 0 || exactOnly) {
      if (words === 0) sig.fill(0xffffffff);
      return words > 0;
    }
    if (words < n) this.addShingle(fmix32(roll ^ seed ^ Math.imul(words, GOLDEN)));
    this.densify();
    return true;
  }

  /**
   * The same as {@link hash} for a text whose word hashes and normalized-text hash were measured already (the
   * featurizer's scan measures both: ProxyScorer.score's `wordHashes` and `textHashes`): words[from, to) are the text's
   * word hashes in order (fmix32 of each lowercased word's FNV-1a state, as hash() computes them), `exact` its
   * normalized-text hash. Sets `exact`, `signature` and `words` as hash(text) would, without reading the text. The
   * shingling runs in a WebAssembly kernel (kernel/minhash-kernel.as.ts), whose bins take an unsigned min instead of
   * the JavaScript loop's branches (with the band keys after it: 2.1 to 2.5 times the JavaScript loop's speed).
   *
   * @returns false when the text has no words
   */
  hashWords(words: Int32Array, from: number, to: number, exact: readonly [number, number]): boolean {
    const n = this.params.shingle;
    const count = to - from;
    this.words = count;
    this.exact[0] = exact[0];
    this.exact[1] = exact[1];
    const sig = this.signature;
    if (count === 0) {
      sig.fill(0xffffffff);
      return false;
    }
    if (this.options.exactOnly === true) return true;
    // The shingles, bins and densification in the MinHash kernel (kernel/minhash-kernel.as.ts: the same signature).
    this.kernel ??= new MinHashKernel(sig.length, this.params.shingle, this.params.seed, this.outWeight);
    this.kernel.signature(words, from, to, sig);
    return true;
  }

  /** Fills each empty bin from the first non-empty bin of its seeded probe sequence (at least one bin is filled). */
  private densify(): void {
    const sig = this.signature;
    const filled = this.filled;
    const k = sig.length;
    for (let bin = 0; bin < k; bin++) {
      if (filled[bin]) continue;
      for (let attempt = 1; ; attempt++) {
        const probe = fmix32(Math.imul(bin + 1, GOLDEN) ^ Math.imul(attempt, PROBE_SALT) ^ this.params.seed);
        const from = Math.floor(((probe >>> 0) * k) / 4294967296);
        if (filled[from] === 1) {
          sig[bin] = sig[from]!;
          break;
        }
      }
    }
  }
}

/** The stored form of a signature: the low 16 bits of each value (a chance agreement costs 1/65536 per bin). */
export function truncateSignature(sig: Uint32Array, out: Uint16Array = new Uint16Array(sig.length)): Uint16Array {
  for (let i = 0; i < sig.length; i++) out[i] = sig[i]! & 0xffff;
  return out;
}

/** Estimated Jaccard similarity: the share of bins on which two stored signatures agree. */
export function estimateJaccard(a: Uint16Array, b: Uint16Array): number {
  if (a.length !== b.length) throw new RangeError(`estimateJaccard: signatures of ${a.length} and ${b.length} hashes`);
  if (a.length === 0) return 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/**
 * The band keys of a signature: per band, a 32-bit hash of its rows' full values and of the band's index (so equal rows
 * in different bands never share a key).
 */
export function bandKeys(sig: Uint32Array, p: Pick<MinHashParams, 'bands' | 'rows'>, out: Uint32Array = new Uint32Array(p.bands)): Uint32Array {
  for (let b = 0; b < p.bands; b++) {
    let h = Math.imul(b + 1, 0x85ebca6b);
    const start = b * p.rows;
    for (let r = 0; r < p.rows; r++) {
      h = Math.imul(h ^ sig[start + r]!, GOLDEN);
      h = (h << 13) | (h >>> 19);
    }
    out[b] = fmix32(h) >>> 0;
  }
  return out;
}

/** The partition of a 32-bit key: its prefix, scaled to `partitions` (key * partitions / 2^32). */
export function partitionOf(key: number, partitions: number): number {
  return Math.floor(((key >>> 0) * partitions) / 4294967296);
}
