import { describe, expect, it } from 'vitest';
import { bandKeys, MinHasher, MinHashParamsError } from '../../lib/dedup/index.ts';
import { DEFAULT_MINHASH } from '../../lib/dedup/types.ts';
import { estimateJaccard, partitionOf, truncateSignature } from '../../lib/dedup/signature.ts';
import { shingleJaccard } from './demo-labels.ts';

const WORDS = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their can has been if more when will would who so no'.split(' ');

/** A seeded pseudo-random text of `n` words. */
function text(seed: number, n: number): string {
  let x = seed >>> 0 || 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(WORDS[(x >>> 0) % WORDS.length]! + ((x >>> 8) % 7));
  }
  return out.join(' ');
}

function signatureOf(h: MinHasher, t: string): Uint16Array {
  h.hash(t);
  return truncateSignature(h.signature);
}

describe('MinHasher', () => {
  it('gives the same exact hash to texts that differ only in case, quotes, punctuation and spacing', () => {
    const h = new MinHasher(DEFAULT_MINHASH);
    h.hash('He said "Hello, World!"\n\nIt\'s  fine.');
    const a = [...h.exact];
    h.hash('HE SAID \u201chello world\u201d it\u2019s fine');
    expect([...h.exact]).toEqual(a);
    h.hash('He said "Hello, World!" It is fine.');
    expect([...h.exact]).not.toEqual(a);
  });

  it('estimates the shingle sets\' Jaccard within 0.12 on 112 hashes', () => {
    const h = new MinHasher(DEFAULT_MINHASH);
    const base = text(7, 400).split(' ');
    const errors: number[] = [];
    for (let k = 0; k < 20; k++) {
      const edited = [...base];
      for (let e = 0; e < k * 4; e++) edited[(e * 37 + k) % edited.length] = `x${e}`;
      const truth = shingleJaccard(base.join(' '), edited.join(' '), 5);
      errors.push(Math.abs(estimateJaccard(signatureOf(h, base.join(' ')), signatureOf(h, edited.join(' '))) - truth));
    }
    expect(Math.max(...errors)).toBeLessThan(0.12);
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.05);
  });

  it('fills every bin of a short text (densification), so two short copies agree everywhere and unrelated ones rarely', () => {
    const h = new MinHasher(DEFAULT_MINHASH);
    const a = signatureOf(h, 'only three words');
    expect(estimateJaccard(a, signatureOf(h, 'Only three, words!'))).toBe(1);
    expect(estimateJaccard(a, signatureOf(h, 'something else entirely here and there'))).toBeLessThan(0.1);
  });

  it('computes the same exact hash when asked for the exact hash only', () => {
    const full = new MinHasher(DEFAULT_MINHASH);
    const exact = new MinHasher(DEFAULT_MINHASH, { exactOnly: true });
    for (const t of ['One two three four five six.', 'x', text(3, 50)]) {
      full.hash(t);
      expect(exact.hash(t)).toBe(true);
      expect([...exact.exact]).toEqual([...full.exact]);
    }
  });

  it('reports a text without words, and reuses its buffers across calls', () => {
    const h = new MinHasher(DEFAULT_MINHASH);
    const sig = h.signature;
    expect(h.hash('... --- !!!')).toBe(false);
    expect(h.hash('words at last')).toBe(true);
    expect(h.signature).toBe(sig);
  });

  it('rejects parameters whose bands and rows do not make the signature length, naming the fields', () => {
    expect(() => new MinHasher({ ...DEFAULT_MINHASH, bands: 10 })).toThrow(MinHashParamsError);
    expect(() => new MinHasher({ ...DEFAULT_MINHASH, bands: 10 })).toThrow(/bands x rows \(10 x 8\) must equal hashes \(112\)/);
    expect(() => new MinHasher({ ...DEFAULT_MINHASH, shingle: 0 })).toThrow(/shingle must be an integer/);
  });
});

describe('band keys and partitions', () => {
  it('agree on a band exactly when its rows agree, and differ between bands with equal rows', () => {
    const p = { bands: 2, rows: 2 };
    const a = bandKeys(Uint32Array.from([1, 2, 3, 4]), p);
    const b = bandKeys(Uint32Array.from([1, 2, 3, 5]), p);
    expect(a[0]).toBe(b[0]);
    expect(a[1]).not.toBe(b[1]);
    const same = bandKeys(Uint32Array.from([7, 7, 7, 7]), p);
    expect(same[0]).not.toBe(same[1]);
  });

  it('maps a key to the partition of its prefix, within bounds', () => {
    expect(partitionOf(0, 16)).toBe(0);
    expect(partitionOf(0xffffffff, 16)).toBe(15);
    expect(partitionOf(0x80000000, 16)).toBe(8);
    expect(partitionOf(0x12345678, 1)).toBe(0);
  });
});
