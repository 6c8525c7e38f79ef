import { describe, expect, it } from 'vitest';
import { createFeaturizer, defaultFeatureConfig } from '../../lib/features/index.ts';
import { MinHasher } from '../../lib/dedup/index.ts';
import { DOC_STAT_COUNT, DOC_STAT_NAMES, docStats } from '../../lib/features/index.ts';

/** Seeded texts: prose, identifiers, base64-like runs, digits, other scripts, surrogates, Unicode spaces, controls. */
function variedTexts(count: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const pieces = [
    'the', 'Cat', 'camelCase', 'HTTPServer', 'a1b2', 'x86_64', '0xDEADbeef', 'qzxj', 'ÉTÉ', 'naïve', 'Ωμέγα', 'ПРИВЕТмир',
    '漢字', '😀', '42', '3.14', ' ', '  ', '\t', '\n', '\r\n', '\n\n', '.', '!?', '"', ',', '--', '...', '\u00a0', '\u2003',
    '\u3000', '\u0085', '\u2028', '\ufeff', '\u0001', '\u200b', 'x', 'I', 'aeiou', 'rhythm', 'supercalifragilistic',
  ];
  return Array.from({ length: count }, () => {
    const parts: string[] = [];
    const n = Math.floor(next() * 60);
    for (let i = 0; i < n; i++) parts.push(pieces[Math.floor(next() * pieces.length)]!);
    return parts.join('');
  });
}

describe('statistics folded into the featurizer scan', () => {
  const f = createFeaturizer(defaultFeatureConfig({ buckets: 1 << 10, members: 2, seed: 3, maxWords: 8 }));
  const texts = ['', ' ', 'a', '\n', ' lead', 'trail ', '..x..', 'A\nB\n', 'aB1c', 'Zz9', ...variedTexts(500, 7)];

  it('equals the standalone docStats of every text, statistic by statistic', () => {
    const bytes = texts.map((t) => Buffer.byteLength(t));
    const batch = f.analyze(texts, bytes);
    expect(batch.tokenStats.length).toBe(texts.length * DOC_STAT_COUNT);
    texts.forEach((t, i) => {
      const want = docStats(t, bytes[i]!);
      const got = batch.tokenStats.subarray(i * DOC_STAT_COUNT, (i + 1) * DOC_STAT_COUNT);
      for (let j = 0; j < DOC_STAT_COUNT; j++) {
        if (got[j] !== want[j]) throw new Error(`text ${i} ${JSON.stringify(t)}: ${DOC_STAT_NAMES[j]} ${got[j]}, docStats ${want[j]}`);
      }
    });
  });

  it('computes the UTF-8 length itself when the caller gives no byte counts', () => {
    const withBytes = f.analyze(texts, texts.map((t) => Buffer.byteLength(t))).tokenStats;
    expect(Array.from(f.analyze(texts).tokenStats)).toEqual(Array.from(withBytes));
  });

  it("gives each text deduplication's normalized-text hash, equal to MinHasher's exact hash", () => {
    const batch = f.analyze(texts);
    const h = new MinHasher({ shingle: 1, hashes: 1, bands: 1, rows: 1, seed: 5 }, { exactOnly: true });
    texts.forEach((t, i) => {
      h.hash(t);
      expect([batch.textHashes[2 * i], batch.textHashes[2 * i + 1]]).toEqual(h.exact);
    });
    // Case, punctuation and spacing do not change it; another word does.
    const [a, b, c] = [f.analyze(['Hello,  World!\n']), f.analyze(['hello world']), f.analyze(['hello worlds'])].map((x) => Array.from(x.textHashes));
    expect(a).toEqual(b);
    expect(c).not.toEqual(b);
  });
});
