import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHAR_CLASS, CHAR_KIND, KIND_CLASS_MASK, KIND_NON_ASCII, KIND_WORD_SEPARATOR, LOWER_TABLE_SIZE, classOfHigh, isWordSeparator } from '../../lib/features/char-classes.ts';
import { createFeaturizer, defaultFeatureConfig } from '../../lib/features/index.ts';

/** Reference definition of the word count (whitespace-separated runs), written independently of the featurizer. */
function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      words += 1;
    }
  }
  return words;
}

const config = defaultFeatureConfig({ buckets: 1 << 10, members: 2, seed: 3, maxWords: 4 });

/** Seeded texts mixing ASCII words, punctuation, Unicode spaces, controls, other scripts and surrogate pairs. */
function randomTexts(count: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const pieces = ['the', 'Cat', 'ÉTÉ', 'naïve', '42', ' ', '  ', '\t', '\n', '\n\n', '.', '!', '?', '"', ',', '\u00a0', '\u2003', '\u3000', '\u0085', '\u2028', '\ufeff', '\u0001', 'Ωμέγα', '漢字', '😀', '\u200b', '-', 'x'];
  return Array.from({ length: count }, () => {
    const parts: string[] = [];
    const n = Math.floor(next() * 40);
    for (let i = 0; i < n; i++) parts.push(pieces[Math.floor(next() * pieces.length)]!);
    return parts.join('');
  });
}

/**
 * SHA-256 of goldenTexts()'s features in a canonical form: per document its (hash, count) pairs sorted by unsigned hash,
 * then the scales and dense statistics. Computed with the featurizer as it was before unigrams were deduplicated (it
 * emitted one hash per n-gram occurrence; its positional digest was b82f0d17...); the bag of n-grams per document, the
 * scales and the dense statistics have not changed since the single-pass rewrite.
 */
const GOLDEN_DIGEST = '8af783fe4abad0846c184d5aac2039246908eb29cc6f4efe50e61131da37c169';

function goldenTexts(): string[] {
  let s = 11;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const pieces = ['the', 'Cat', 'ÉTÉ', 'naïve', '42', ' ', '  ', '\t', '\n', '\n\n', '.', '!', '?', '"', ',', '\u00a0', '\u2003', '\u3000', '\u0085', '\u2028', '\ufeff', '\u0001', 'Ωμέγα', '漢字', '😀', '\u200b', '-', 'x', 'The end. ', 'same line\n'];
  return Array.from({ length: 300 }, () => {
    const p: string[] = [];
    const n = Math.floor(next() * 80);
    for (let i = 0; i < n; i++) p.push(pieces[Math.floor(next() * pieces.length)]!);
    return p.join('');
  });
}

describe('featurizer single-pass statistics', () => {
  it('gives the earlier featurizer\'s n-gram bags (hashes with counts), scales and dense statistics, bit for bit', () => {
    const f = createFeaturizer(defaultFeatureConfig({ buckets: 1 << 10, members: 2, seed: 3, maxWords: 64 }));
    const b = f.analyze(goldenTexts());
    const h = createHash('sha256');
    for (let i = 0; i < b.n; i++) {
      const bag = new Map<number, number>();
      for (let p = b.offsets[i]!; p < b.offsets[i + 1]!; p++) bag.set(b.hashes[p]!, (bag.get(b.hashes[p]!) ?? 0) + b.counts[p]!);
      const pairs = [...bag.entries()].sort((x, y) => (x[0] >>> 0) - (y[0] >>> 0));
      h.update(Int32Array.from(pairs.flat()));
    }
    for (const a of [b.scale, b.dense]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    expect(h.digest('hex')).toBe(GOLDEN_DIGEST);
  });

  it('counts whitespace-separated words exactly as countWords does, for every document of a batch', () => {
    const f = createFeaturizer(config);
    const texts = ['', ' ', 'one', ' two  words ', 'a\u00a0b\u3000c\u2003d', 'x\u0085y\u2028z', ...randomTexts(400, 11)];
    const batch = f.analyze(texts);
    expect(Array.from(batch.spaceWords)).toEqual(texts.map(countWords));
  });

  it('counts words beyond maxWords (the hashed n-grams stop there, the word count does not)', () => {
    const f = createFeaturizer(config);
    const batch = f.analyze(['a b c d e f g h i j']);
    expect(batch.spaceWords[0]).toBe(10);
    expect(batch.scale[0]).toBeCloseTo(1 / 4, 7); // pooling still over the first maxWords words
  });

  it('gives every char code the class of the lookup tables it replaces, plus the non-ASCII and separator bits', () => {
    for (let c = 0; c < 0x10000; c++) {
      const k = CHAR_KIND[c]!;
      const cls = c < LOWER_TABLE_SIZE ? CHAR_CLASS[c]! : classOfHigh(c);
      if ((k & KIND_CLASS_MASK) !== cls) throw new Error(`char ${c}: class ${k & KIND_CLASS_MASK}, expected ${cls}`);
      expect((k & KIND_NON_ASCII) !== 0).toBe(c >= 128);
      if (((k & KIND_WORD_SEPARATOR) !== 0) !== isWordSeparator(c)) throw new Error(`char ${c}: separator bit wrong`);
    }
  });

  it('measures the same dense statistics whether a text is analysed alone or within a batch', () => {
    const f = createFeaturizer(config);
    const texts = randomTexts(50, 5);
    const together = f.analyze(texts);
    const d = together.dense.length / texts.length;
    texts.forEach((t, i) => {
      const alone = f.analyze([t]);
      expect(Array.from(alone.dense)).toEqual(Array.from(together.dense.subarray(i * d, (i + 1) * d)));
      expect(alone.spaceWords[0]).toBe(together.spaceWords[i]);
    });
  });
});
