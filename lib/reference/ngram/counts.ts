/**
 * N-gram counting for the Kneser-Ney model: integer word ids, n-grams stored as a trie of open-addressing hash tables
 * (one per order) keyed by `prefixId * V + wordId` in a Float64Array, so no string keys and no per-entry objects.
 * A million training words of order 3 take a few tens of MB.
 */
import { NgramTrainingError } from './errors.ts';

/** Reserved word ids. Real words start at FIRST_WORD_ID. */
export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const FIRST_WORD_ID = 3;

/** Hash of a non-negative integer below 2^53, as an unsigned 32-bit value. */
function hashKey(key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Open-addressing (linear probing) map from integer keys (< 2^53) to dense entry ids 0, 1, 2, ... Slots are
 * interleaved `[key, id + 1]` pairs in one Float64Array (0 = empty), so a probe touches one cache line.
 */
export class NumberKeyIndex {
  private table: Float64Array;
  private mask: number;
  /** Number of entries; the next inserted key gets this id. */
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.table = new Float64Array(cap * 2);
    this.mask = cap - 1;
  }

  /** The id of `key`, or -1. */
  get(key: number): number {
    const t = this.table;
    let slot = hashKey(key) & this.mask;
    for (;;) {
      const id1 = t[2 * slot + 1]!;
      if (id1 === 0) return -1;
      if (t[2 * slot] === key) return id1 - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The id of `key`, inserting it with id `size` if absent (check `size` before and after to see if it was new). */
  getOrInsert(key: number): number {
    const t = this.table;
    let slot = hashKey(key) & this.mask;
    for (;;) {
      const id1 = t[2 * slot + 1]!;
      if (id1 === 0) break;
      if (t[2 * slot] === key) return id1 - 1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    t[2 * slot] = key;
    t[2 * slot + 1] = id + 1;
    if (this.size * 2 > this.mask + 1) this.grow();
    return id;
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    const t = new Float64Array(cap * 2);
    this.mask = cap - 1;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      const key = old[s]!;
      let slot = hashKey(key) & this.mask;
      while (t[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
      t[2 * slot] = key;
      t[2 * slot + 1] = old[s + 1]!;
    }
    this.table = t;
  }
}

/** An Int32Array that grows by doubling. */
export class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A trimmed copy. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** The n-grams of one order n >= 2. Entry ids are dense; arrays are indexed by entry id. */
export interface NgramLevel {
  /** key = prefixId * vocabSize + wordId, where prefixId is an entry id of order n-1 (a word id for n = 2). */
  index: NumberKeyIndex;
  /** Entry id of the (n-1)-gram prefix (the context). */
  prefix: Int32Array;
  /** Kneser-Ney adjusted count: raw count at the highest order and for n-grams starting with `<s>`, otherwise the
   * number of distinct words seen to the left (continuation count). */
  count: Int32Array;
}

/** Adjusted counts of all orders. Order 1 is indexed directly by word id. */
export interface NgramCounts {
  order: number;
  /** Number of word ids (specials included): the multiplier in keys. */
  vocabSize: number;
  /** Adjusted unigram counts by word id (`<s>` has 0: it is never predicted). */
  unigram: Int32Array;
  /** levels[n - 2] holds order n, for n = 2..order. */
  levels: NgramLevel[];
}

/**
 * Counts the n-grams of documents given as word ids, each document ending with -1 in `stream` and bracketed here by
 * `<s>` ... `</s>`. At each position every n-gram ending there (orders 1..order, starting no earlier than `<s>`) is
 * entered in the trie; only the longest one gets a raw count. Then each n-gram type of order n >= 2 adds one to the
 * adjusted count of its suffix of order n-1 (modified Kneser-Ney continuation counts, as in KenLM).
 */
export function countNgrams(stream: Int32Array, vocabSize: number, order: number): NgramCounts {
  if (!Number.isInteger(order) || order < 1) throw new NgramTrainingError(`order must be an integer >= 1, got ${order}`);
  const levels: { index: NumberKeyIndex; prefix: GrowableInt32; suffix: GrowableInt32; count: GrowableInt32 }[] = [];
  for (let n = 2; n <= order; n++) {
    const cap = Math.min(1 << 20, Math.max(1024, stream.length));
    levels.push({ index: new NumberKeyIndex(cap), prefix: new GrowableInt32(cap), suffix: new GrowableInt32(cap), count: new GrowableInt32(cap) });
  }
  const unigram = new Int32Array(vocabSize);
  let prev = new Int32Array(order).fill(-1);
  let cur = new Int32Array(order).fill(-1);
  let pos = 0; // position within the document; 0 is <s>
  const maxPrefixes = Math.floor(Number.MAX_SAFE_INTEGER / vocabSize);

  const step = (w: number): void => {
    cur[0] = w;
    const top = Math.min(order, pos + 1);
    for (let n = 2; n <= top; n++) {
      const level = levels[n - 2]!;
      const p = prev[n - 2]!;
      const before = level.index.size;
      const id = level.index.getOrInsert(p * vocabSize + w);
      if (level.index.size !== before) {
        if (id >= maxPrefixes) throw new NgramTrainingError(`too many ${n}-grams for a vocabulary of ${vocabSize} words`);
        level.prefix.push(p);
        level.suffix.push(cur[n - 2]!);
        level.count.push(0);
      }
      cur[n - 1] = id;
    }
    for (let n = top + 1; n <= order; n++) cur[n - 1] = -1;
    if (pos > 0) {
      if (top === 1) unigram[w]! += 1; // a unigram model: raw counts
      else levels[top - 2]!.count.data[cur[top - 1]!]! += 1;
    }
    const t = prev;
    prev = cur;
    cur = t;
    pos++;
  };

  let inDoc = false;
  for (let i = 0; i < stream.length; i++) {
    const w = stream[i]!;
    if (!inDoc) {
      pos = 0;
      step(BOS_ID);
      inDoc = true;
    }
    if (w < 0) {
      step(EOS_ID);
      inDoc = false;
    } else {
      step(w);
    }
  }
  if (inDoc) step(EOS_ID);

  // Continuation counts: every type of order n adds one to its suffix of order n-1.
  for (let n = order; n >= 2; n--) {
    const level = levels[n - 2]!;
    const size = level.index.size;
    const suffix = level.suffix.data;
    if (n === 2) {
      for (let e = 0; e < size; e++) unigram[suffix[e]!]! += 1;
    } else {
      const lower = levels[n - 3]!.count.data;
      for (let e = 0; e < size; e++) lower[suffix[e]!]! += 1;
    }
  }

  return {
    order,
    vocabSize,
    unigram,
    levels: levels.map((l) => {
      l.count.length = l.index.size;
      l.prefix.length = l.index.size;
      return { index: l.index, prefix: l.prefix.toArray(), count: l.count.toArray() };
    }),
  };
}
