/** 32-bit hashing from char codes (no string allocation): FNV-1a per word, murmur3's fmix32 finaliser, cheap remixes. */

/** FNV-1a offset basis. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
/** FNV-1a prime. */
export const FNV_PRIME = 0x01000193;

/** murmur3 fmix32: avalanches a 32-bit value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * The normalized-text hash (deduplication's exact hash) is two independent 32-bit halves over a text's words
 * (lowercased word-character runs): FNV-1a over the words' lowercased chars with one space between words, and a
 * rotate-multiply chain over the words' fmix32(FNV-1a) hashes; both finished with the word count. lib/dedup's MinHasher
 * and the featurizer's scan (which measures it in the same pass as the features) compute it with these steps.
 */
export const TEXT_HASH_SEED = 0x3c6ef372;
const TEXT_HASH_MUL = 0x9e3779b1 | 0;

/** The second half's step for one word (its fmix32(FNV-1a) hash). */
export function textHashWord(e2: number, wordHash: number): number {
  const x = Math.imul(e2 ^ wordHash, TEXT_HASH_MUL);
  return (x << 15) | (x >>> 17);
}

/** The first half, finished (unsigned). */
export function textHashFirst(e1: number, words: number): number {
  return fmix32(e1 ^ words) >>> 0;
}

/** The second half, finished (unsigned). */
export function textHashSecond(e2: number, words: number): number {
  return fmix32(e2 ^ Math.imul(words, TEXT_HASH_MUL)) >>> 0;
}

/** Hash of the bigram (a, b) of two word hashes; distinct from unigram hashes with overwhelming probability. */
export function bigramHash(a: number, b: number): number {
  return fmix32((Math.imul(a, 0x2545f491) + b + 0x3c6ef372) | 0);
}

/** FNV-1a + fmix32 of a string's char codes (no lowercasing; used for seeds and splits, not tokens). */
export function hashString(s: string, seed = 0): number {
  let h = FNV_OFFSET ^ seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return fmix32(h) >>> 0;
}

/** Member bucket of a base hash: remixed with the member's seed, top `bits` bits. */
export function remixBucket(hash: number, seed: number, shift: number): number {
  let x = Math.imul(hash ^ seed, 0x9e3779b1);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  return x >>> shift;
}

/** splitmix32-style generator of derived 32-bit seeds: deterministic, well spread. */
export function deriveSeed(seed: number, index: number): number {
  return fmix32((Math.imul(seed | 0, 0x9e3779b1) + Math.imul(index + 1, 0x7f4a7c15)) | 0) >>> 0;
}
