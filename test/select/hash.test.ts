import { describe, expect, it } from 'vitest';
import { docHash, hashToUnit } from '../../lib/select/index.ts';
import { seededRandom } from './random.ts';

/** Textbook byte-wise MurmurHash3 x86_32, as an independent reference. */
function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const blocks = n & ~3;
  const mixK = (k: number) => Math.imul(((Math.imul(k, 0xcc9e2d51) << 15) | (Math.imul(k, 0xcc9e2d51) >>> 17)), 0x1b873593);
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= mixK(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail >= 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    h ^= mixK(k);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('docHash', () => {
  it('the reference murmur3 reproduces the published test vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(murmur3Bytes(enc(''), 1)).toBe(0x514e28b7);
    expect(murmur3Bytes(enc('test'), 0)).toBe(0xba6bd213);
    expect(murmur3Bytes(enc('Hello, world!'), 1234)).toBe(0xfaf6cdb3);
    expect(murmur3Bytes(enc('The quick brown fox jumps over the lazy dog'), 0x9747b28c)).toBe(0x2fa826cd);
  });

  it('is murmur3 over the id as UTF-16LE, for odd and even lengths and non-ASCII ids', () => {
    const ids = ['', 'a', 'ab', 'abc', 'doc-000123', 'Grüße, 世界', '😀 emoji', 'x'.repeat(1001)];
    for (const id of ids) {
      for (const seed of [0, 1, 0x9e3779b9, 0xffffffff]) {
        expect(docHash(id, seed)).toBe(murmur3Bytes(new Uint8Array(Buffer.from(id, 'utf16le')), seed));
      }
    }
  });

  it('is a deterministic uint32 that depends on the seed', () => {
    const a = docHash('doc-1', 7);
    expect(docHash('doc-1', 7)).toBe(a);
    expect(Number.isInteger(a) && a >= 0 && a <= 0xffffffff).toBe(true);
    expect(docHash('doc-1', 8)).not.toBe(a);
    // Seeds are taken modulo 2^32.
    expect(docHash('doc-1', 7 + 2 ** 32)).toBe(a);
  });

  it('rejects a non-integer seed', () => {
    expect(() => docHash('x', 1.5)).toThrow(/seed must be an integer/);
    expect(() => docHash('x', Number.NaN)).toThrow(RangeError);
  });

  it('spreads sequential ids uniformly over 256 buckets of its high and low bits (chi-square)', () => {
    const n = 102_400;
    const buckets = 256;
    const high = new Array<number>(buckets).fill(0);
    const low = new Array<number>(buckets).fill(0);
    for (let i = 0; i < n; i++) {
      const h = docHash(`doc-${i}`, 1);
      high[h >>> 24]! += 1;
      low[h & 0xff]! += 1;
    }
    const expected = n / buckets;
    const chi = (counts: number[]) => counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 255 degrees of freedom: mean 255, sd about 22.6; 400 is far in the tail for a uniform hash.
    expect(chi(high)).toBeLessThan(400);
    expect(chi(low)).toBeLessThan(400);
  });

  it('avalanches: changing one character flips about half of the bits', () => {
    const rand = seededRandom(3);
    let flipped = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const id = `id-${Math.floor(rand() * 1e9)}-${t}`;
      const pos = Math.floor(rand() * id.length);
      const other = id.slice(0, pos) + String.fromCharCode(id.charCodeAt(pos) ^ 1) + id.slice(pos + 1);
      let x = (docHash(id, 5) ^ docHash(other, 5)) >>> 0;
      while (x) {
        flipped += x & 1;
        x >>>= 1;
      }
    }
    const mean = flipped / trials;
    expect(mean).toBeGreaterThan(15);
    expect(mean).toBeLessThan(17);
  });

  it('hashToUnit maps every hash into the open interval (0, 1)', () => {
    expect(hashToUnit(0)).toBeGreaterThan(0);
    expect(hashToUnit(0xffffffff)).toBeLessThan(1);
    expect(hashToUnit(0x80000000)).toBeCloseTo(0.5, 9);
  });
});
