import { FNV_OFFSET, FNV_PRIME, fmix32 } from './hashing.ts';

/** Common English function words; their share of a document's words is a dense feature. */
export const STOPWORDS: readonly string[] = [
  'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'can',
  'could', 'do', 'for', 'from', 'had', 'has', 'have', 'he', 'her', 'his', 'i', 'if', 'in', 'into', 'is', 'it', 'its',
  'more', 'my', 'no', 'not', 'of', 'on', 'one', 'or', 'other', 'our', 'out', 'she', 'so', 'some', 'than', 'that',
  'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'up', 'was', 'we', 'were', 'what', 'when',
  'which', 'who', 'will', 'with', 'would', 'you', 'your',
];

/** Hash of a lowercase ASCII word exactly as the featurizer computes it while scanning. */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

/**
 * The stopwords' word hashes in a direct-mapped table: `STOPWORD_SLOTS[h >>> STOPWORD_SHIFT] === h` tells whether the
 * word hash h is a stopword's, with one load and no probing (the table is the smallest power of two in which no two
 * stopwords share a slot; every other slot holds a value that maps to another slot, so no hash matches it).
 */
export const { STOPWORD_SLOTS, STOPWORD_SHIFT } = (() => {
  const hashes = STOPWORDS.map(wordHash);
  for (let bits = 8; bits <= 20; bits++) {
    const shift = 32 - bits;
    const slots = new Int32Array(1 << bits);
    for (let s = 0; s < slots.length; s++) slots[s] = ((s ^ 1) << shift) | 0;
    let clash = false;
    for (const h of hashes) {
      const s = h >>> shift;
      if (slots[s] === (((s ^ 1) << shift) | 0)) slots[s] = h;
      else clash = true;
    }
    if (!clash) return { STOPWORD_SLOTS: slots, STOPWORD_SHIFT: shift };
  }
  throw new Error('stopword hashes: no collision-free table up to 2^20 slots');
})();

/** Whether `h` is the word hash of a stopword. */
export function isStopwordHash(h: number): boolean {
  return STOPWORD_SLOTS[h >>> STOPWORD_SHIFT] === h;
}
