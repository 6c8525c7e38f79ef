/**
 * Word n-gram repetition, as datatrove's GopherRepetitionFilter computes it (find_top_duplicate for n = 2..4,
 * find_all_duplicate for n = 5..10), over the word-token hashes of one scan.
 *
 * An n-gram can repeat only where its (n-1)-gram prefix repeats, so order n looks only at the positions order n-1
 * found repeated: every position for 2-grams, a few percent of them by 5-grams in ordinary prose, and the orders stop
 * as soon as nothing repeats. An n-gram is keyed by a 32-bit FNV-style hash over its words' hashes and its character length (no
 * confirmation: two different n-grams with equal keys, about one chance in 4e9 per pair, would count as one),
 * counted in one open-addressing table of 4-int records, reused across calls and cleared by a stamp.
 */
/** What {@link countNgrams} fills, indexed by n. */
export interface NgramResult {
  /** Characters of the most frequent n-gram (words joined by spaces) times its count, n = 2..4; NaN: no n-gram. */
  readonly topNgramChars: Float64Array;
  /** Characters (without spaces) of the n-grams counted as repeats, n = 5..10. */
  readonly dupNgramChars: Float64Array;
}

// Record fields of the table: the stamp of the call that filled it, the key, the count (bit 30: seen by the
// duplicate scan), the position of the first occurrence.
const STAMP = 0;
const KEY = 1;
const COUNT = 2;
const FIRST = 3;
const RECORD = 4;
const SEEN = 1 << 30;

let table = new Int32Array(2048 * RECORD);
let stamp = 0;
let ngramHashes = new Int32Array(4096);
let slotOf = new Int32Array(4096);
let candA = new Int32Array(4096);
let candB = new Int32Array(4096);

function ensureCapacity(words: number): void {
  if (ngramHashes.length >= words) return;
  let size = ngramHashes.length;
  while (size < words) size *= 2;
  ngramHashes = new Int32Array(size);
  slotOf = new Int32Array(size);
  candA = new Int32Array(size);
  candB = new Int32Array(size);
}

/**
 * Fills `out` for orders 2..maxOrder from the hashes of `words` tokens and their cumulative character counts
 * (`cum[i]`: characters of the first i tokens).
 * - top (n <= 4): the most frequent n-gram (ties: the one occurring first) times its count; when none repeats, the
 *   first n-gram of the document, once (what Python's Counter.most_common(1) returns).
 * - duplicates (n >= 5): left to right, an n-gram seen before adds its characters and the scan jumps past it;
 *   n-grams jumped over are not remembered.
 */
export function countNgrams(wordHashes: Int32Array, cum: Int32Array, words: number, maxOrder: number, out: NgramResult): void {
  if (maxOrder < 2 || words < 2) return;
  ensureCapacity(words);
  const hashes = ngramHashes;
  const slots = slotOf;
  let cand = candA;
  let next = candB;
  let nCand = words - 1;
  for (let order = 2; order <= maxOrder; order++) {
    const limit = words - order; // last position with an n-gram of this order
    if (limit < 0) return; // no n-gram of this order or above (top: NaN, duplicates: 0)
    if (order > 2) while (nCand > 0 && cand[nCand - 1] > limit) nCand--;
    if (nCand === 0) {
      // Nothing repeats at this order or above: the top n-gram is the first one, once.
      for (let o = order; o <= maxOrder && o <= 4 && o <= words; o++) out.topNgramChars[o] = cum[o] + o - 1;
      return;
    }
    let cap = 16;
    while (cap < nCand * 2) cap *= 2;
    if (table.length < cap * RECORD) table = new Int32Array(cap * RECORD);
    stamp = (stamp + 1) | 0;
    if (stamp === 0) {
      table.fill(0);
      stamp = 1;
    }
    const t = table;
    const st = stamp;
    const shift = 32 - Math.log2(cap);
    const mask = cap - 1;
    const lastWord = order - 1;
    let best = 1;
    let bestPos = 0;
    for (let j = 0; j < nCand; j++) {
      const pos = order === 2 ? j : cand[j];
      // The n-gram's hash extends its (n-1)-gram prefix's by one word; its key adds its length.
      const hash = Math.imul(order === 2 ? wordHashes[pos] : hashes[pos], 0x01000193) ^ wordHashes[pos + lastWord];
      hashes[pos] = hash;
      const key = hash ^ Math.imul(cum[pos + order] - cum[pos], 0x9e3779b1);
      let s = Math.imul(key, 0x9e3779b1) >>> shift;
      for (;;) {
        const r = s << 2;
        if (t[r + STAMP] !== st) {
          t[r + STAMP] = st;
          t[r + KEY] = key;
          t[r + COUNT] = 1;
          t[r + FIRST] = pos;
          slots[pos] = r;
          break;
        }
        if (t[r + KEY] === key) {
          const count = ++t[r + COUNT];
          if (count >= best) {
            const first = t[r + FIRST];
            if (count > best || first < bestPos) {
              best = count;
              bestPos = first;
            }
          }
          slots[pos] = r;
          break;
        }
        s = (s + 1) & mask;
      }
    }
    let nNext = 0;
    for (let j = 0; j < nCand; j++) {
      const pos = order === 2 ? j : cand[j];
      // Branch-free: keep the position when its n-gram's count is 2 or more (1 - count < 0).
      next[nNext] = pos;
      nNext += (1 - (t[slots[pos] + COUNT] & ~SEEN)) >>> 31;
    }
    if (order <= 4) {
      out.topNgramChars[order] = (cum[bestPos + order] - cum[bestPos] + order - 1) * best;
    } else {
      let skipUntil = 0;
      let chars = 0;
      for (let j = 0; j < nNext; j++) {
        const pos = next[j];
        if (pos < skipUntil) continue;
        const r = slots[pos] + COUNT;
        if ((t[r] & SEEN) !== 0) {
          chars += cum[pos + order] - cum[pos];
          skipUntil = pos + order;
        } else t[r] |= SEEN;
      }
      out.dupNgramChars[order] = chars;
    }
    const swap = cand;
    cand = next;
    next = swap;
    nCand = nNext;
  }
}
