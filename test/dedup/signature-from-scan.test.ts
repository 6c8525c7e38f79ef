import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileMinhashKernel, MINHASH_KERNEL_MODULE, minhashKernelModuleText } from '../../scripts/build-kernel.ts';
import { bandKeys, MinHasher } from '../../lib/dedup/index.ts';
import { DEFAULT_MINHASH } from '../../lib/dedup/types.ts';
import { createFeaturizer, defaultFeatureConfig } from '../../lib/features/index.ts';
import { DOC_STAT_COUNT, DOC_STAT_NAMES } from '../../lib/features/index.ts';
import { mulberry32 } from '../../lib/seeded-random.ts';

/**
 * MinHash from the featurizer's scan (MinHasher.hashWords over the scan kernel's word hashes, shingled in the MinHash
 * kernel: what the score stage does) against MinHasher.hash over the text (the definition): the same exact hash, word
 * count, signature and band keys.
 */

const PIECES = [
  ...'the of and to be The OF And x Lorem ipsum der und word words sentence'.split(' '),
  ' ', ' ', ' ', '  ', '\n', '\n\n', '\r\n', '\t', '\u00a0', '\u2028', '\u3000', '.', ', ', '! ', '"', "'", '\u2019', '\u201d', '-', '#',
  '\ud83d\ude00', '\ud800', '\udc00', '\u00e9t\u00c9', '\u4e2d\u6587', '\u0645\u0631\u062d\u0628\u0627', '\u0130', '\u1e9e', '0', '42', '3.14', 'x'.repeat(40),
];

function randomTexts(count: number, seed: number): string[] {
  const next = mulberry32(seed);
  const texts: string[] = [];
  for (let d = 0; d < count; d++) {
    const target = Math.floor(next() ** 2 * 4000);
    const parts: string[] = [];
    let len = 0;
    const vocabulary = next() < 0.5 ? PIECES : PIECES.slice(0, 4 + Math.floor(next() * 12)).concat([' ', '. ']);
    while (len < target) {
      const p = vocabulary[Math.floor(next() * vocabulary.length)]!;
      parts.push(p);
      len += p.length;
    }
    let text = parts.join('');
    if (next() < 0.2) text = [...text].map((c) => (next() < 0.05 ? String.fromCharCode(Math.floor(next() * 0x10000)) : c)).join('');
    texts.push(text);
  }
  return texts;
}

const EDGE = ['', ' ', '.', 'a', 'one', 'one two', 'one two three four', 'one two three four five', 'one two three four five six', '\ud800', 'A'.repeat(3000), 'ab '.repeat(3000)];

describe('MinHasher.hashWords over the featurizer scan', () => {
  it('shingles in a kernel embedded exactly as its AssemblyScript source compiles (npm run build:kernel)', async () => {
    const committed = await readFile(MINHASH_KERNEL_MODULE, 'utf8');
    expect(committed === minhashKernelModuleText(await compileMinhashKernel()), 'minhash-kernel.wasm.ts is stale: run npm run build:kernel').toBe(true);
  }, 300_000);

  const featurizer = createFeaturizer(defaultFeatureConfig({ buckets: 1 << 10, members: 2, seed: 1, maxWords: 64 }));
  const wordsStat = DOC_STAT_NAMES.indexOf('words');
  for (const params of [DEFAULT_MINHASH, { shingle: 1, hashes: 16, bands: 4, rows: 4, seed: 7 }, { shingle: 3, hashes: 64, bands: 8, rows: 8, seed: 0xfffffffe }]) {
    it(`gives the signature, exact hash and band keys hash(text) gives (shingle ${params.shingle}, ${params.hashes} hashes), past maxWords too`, () => {
      const texts = [...EDGE, ...randomTexts(800, params.shingle)];
      const batch = featurizer.analyze(texts, undefined, { wordHashes: true });
      const words = batch.wordHashes!;
      const byText = new MinHasher(params);
      const byWords = new MinHasher(params);
      const keysA = new Uint32Array(params.bands);
      const keysB = new Uint32Array(params.bands);
      let from = 0;
      for (let i = 0; i < texts.length; i++) {
        const count = batch.tokenStats[i * DOC_STAT_COUNT + wordsStat]!;
        const exact = [batch.textHashes[2 * i]!, batch.textHashes[2 * i + 1]!] as const;
        const a = byText.hash(texts[i]!);
        const b = byWords.hashWords(words, from, from + count, exact);
        from += count;
        expect({ i, has: b, words: byWords.words, exact: [...byWords.exact] }).toEqual({ i, has: a, words: byText.words, exact: [...byText.exact] });
        expect(byWords.signature).toEqual(byText.signature);
        if (a) expect(bandKeys(byWords.signature, params, keysB)).toEqual(bandKeys(byText.signature, params, keysA));
      }
      expect(from).toBe(words.length);
    });
  }

  it('leaves the scan\'s other outputs as they are without the word hashes', () => {
    const texts = randomTexts(200, 9);
    const a = featurizer.analyze(texts);
    const snapshot = { hashes: a.hashes.slice(), counts: a.counts.slice(), dense: a.dense.slice(), stats: a.tokenStats.slice(), text: a.textHashes.slice() };
    expect(a.wordHashes).toBeUndefined();
    const b = featurizer.analyze(texts, undefined, { wordHashes: true });
    expect({ hashes: b.hashes.slice(), counts: b.counts.slice(), dense: b.dense.slice(), stats: b.tokenStats.slice(), text: b.textHashes.slice() }).toEqual(snapshot);
  });
});
