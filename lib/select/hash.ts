import { fmix32 } from '../features/index.ts';

/**
 * MurmurHash3 (x86, 32-bit) over a string's UTF-16 code units, two units per 32-bit block. Fast, seeded, well mixed:
 * used for the sample's bottom-k, held-out splits, the `sample` policy's noise and the boundary bin's order.
 *
 * @param id the document id (any string)
 * @param seed an integer; reduced modulo 2^32
 * @returns an unsigned 32-bit integer
 */
export function docHash(id: string, seed: number): number {
  if (!Number.isInteger(seed)) throw new RangeError(`docHash: seed must be an integer, got ${seed}`);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const n = id.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = id.charCodeAt(i);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= n * 2; // length in bytes, as murmur3 counts it
  return fmix32(h) >>> 0;
}

/** A hash mapped to the open interval (0, 1): (h + 0.5) / 2^32. */
export function hashToUnit(hash: number): number {
  return ((hash >>> 0) + 0.5) / 4294967296;
}
