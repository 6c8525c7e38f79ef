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
