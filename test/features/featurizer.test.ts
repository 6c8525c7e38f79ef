import { describe, expect, it } from 'vitest';
import { createFeaturizer, defaultFeatureConfig, DENSE_FEATURE_NAMES, FeatureConfigError } from '../../lib/features/index.ts';

const config = defaultFeatureConfig({ buckets: 1 << 12, members: 3, seed: 7 });

function idsOf(f: ReturnType<typeof createFeaturizer>, text: string): number[][] {
  const b = f.featurize([text]);
  return Array.from({ length: b.members }, (_, m) => Array.from(b.ids.subarray(m * b.length, (m + 1) * b.length)));
}

describe('featurizer', () => {
  it('emits unigrams and bigrams of lowercased words, mean-pooled over words', () => {
    const f = createFeaturizer(config);
    const b = f.featurize(['The cat, the CAT!']);
    expect(b.n).toBe(1);
    expect(b.members).toBe(3);
    expect(b.length).toBe(4 + 3); // 4 unigrams + 3 bigrams
    expect(b.scale[0]).toBeCloseTo(1 / 4, 7);
    const ids = idsOf(f, 'The cat, the CAT!');
    // "the"/"the" and "cat"/"cat" hash alike after lowercasing; bigrams "the cat" (x2) alike too.
    for (const row of ids) {
      const [the1, cat1, bi1, the2, bi2, cat2, bi3] = row;
      expect(the1).toBe(the2);
      expect(cat1).toBe(cat2);
      expect(bi1).toBe(bi3);
      expect(bi2).not.toBe(bi1);
    }
  });

  it('gives each member its own bucket range and hash layout', () => {
    const f = createFeaturizer(config);
    const ids = idsOf(f, 'alpha beta gamma delta epsilon zeta eta theta');
    const b = config.buckets;
    ids.forEach((row, m) => row.forEach((id) => expect(id >= m * b && id < (m + 1) * b).toBe(true)));
    const local = ids.map((row) => row.map((id, _) => id % b));
    expect(local[0]).not.toEqual(local[1]);
    expect(local[1]).not.toEqual(local[2]);
  });

  it('pads shorter documents with the padding id and gives an empty text scale 0', () => {
    const f = createFeaturizer(config);
    const b = f.featurize(['one two three', '', '   ...  ']);
    expect(b.length).toBe(5);
    expect(Array.from(b.scale)).toEqual([1 / 3, 0, 0].map((x) => Math.fround(x)));
    const row1 = b.ids.subarray(1 * 3 * 5, 2 * 3 * 5);
    expect(Array.from(row1).every((id) => id === f.padId)).toBe(true);
    expect(f.padId).toBe(3 * config.buckets);
  });

  it('caps the hashed n-grams at maxWords words', () => {
    const f = createFeaturizer({ ...config, maxWords: 10 });
    const text = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    const b = f.featurize([text]);
    expect(b.length).toBe(10 + 9);
    expect(b.scale[0]).toBeCloseTo(1 / 10, 7);
  });

  it('featurises a document identically alone and inside a batch', () => {
    const f = createFeaturizer(config);
    const texts = ['short one', 'a much longer document with many more words than the others in it', 'médium Ünïcode tëxt ÉTÉ'];
    const alone = f.featurize([texts[2]!]);
    const aloneIds = Array.from(alone.ids);
    const aloneDense = Array.from(alone.dense);
    const batch = f.featurize(texts);
    for (let m = 0; m < 3; m++) {
      const row = Array.from(batch.ids.subarray((2 * 3 + m) * batch.length, (2 * 3 + m) * batch.length + alone.length));
      expect(row).toEqual(aloneIds.slice(m * alone.length, (m + 1) * alone.length));
    }
    expect(Array.from(batch.dense.subarray(2 * batch.denseDim, 3 * batch.denseDim))).toEqual(aloneDense);
  });

  it('lowercases non-ASCII letters too', () => {
    const f = createFeaturizer(config);
    expect(idsOf(f, 'ÉTÉ Über')).toEqual(idsOf(f, 'été über'));
  });

  it('measures dense statistics (raw when standardisation is identity)', () => {
    const f = createFeaturizer(config);
    const b = f.featurize(['Hello world 42!\nHello world 42!\nthe end']);
    const col = (name: string) => b.dense[DENSE_FEATURE_NAMES.indexOf(name as never)]!;
    const text = 'Hello world 42!\nHello world 42!\nthe end';
    expect(col('logChars')).toBeCloseTo(Math.log1p(text.length), 5);
    expect(col('logWords')).toBeCloseTo(Math.log1p(8), 5);
    expect(col('digitShare')).toBeCloseTo(4 / text.length, 5);
    expect(col('repeatedLineShare')).toBeCloseTo(1 / 3, 5);
    expect(col('typeTokenRatio')).toBeCloseTo(5 / 8, 5);
    expect(col('stopwordShare')).toBeCloseTo(1 / 8, 5);
    expect(col('capitalizedWordShare')).toBeCloseTo(2 / 8, 5);
    expect(col('logLongestWord')).toBeCloseTo(Math.log1p(5), 5);
  });

  it('standardises dense statistics with the config means and stds', () => {
    const raw = createFeaturizer(config).featurize(['some text here']).dense.slice();
    const mean = config.denseMean.map((_, i) => i * 0.1);
    const std = config.denseStd.map((_, i) => 1 + i);
    const f = createFeaturizer({ ...config, denseMean: mean, denseStd: std });
    const d = f.featurize(['some text here']).dense;
    for (let i = 0; i < d.length; i++) expect(d[i]).toBeCloseTo((raw[i]! - mean[i]!) / std[i]!, 5);
  });

  it('rejects invalid configs with a named error', () => {
    expect(() => createFeaturizer({ ...config, buckets: 1000 })).toThrow(FeatureConfigError);
    expect(() => createFeaturizer({ ...config, denseMean: [1] })).toThrow(/denseMean/);
    expect(() => createFeaturizer({ ...config, dense: ['nope', ...config.dense.slice(1)] })).toThrow(/unknown dense feature "nope"/);
  });
});
