import { describe, expect, it } from 'vitest';
import { COLUMN_BLOCK, createFeaturizer, defaultFeatureConfig, FeatureConfigError } from '../../lib/features/index.ts';
import { DENSE_FEATURE_NAMES } from '../../lib/features/schema.ts';

const config = defaultFeatureConfig({ buckets: 1 << 12, members: 3, seed: 7 });

/** The n-gram columns of a one-text batch: they come first, padding (count 0) after them. */
function ngramColumns(b: { counts: Float32Array; width: number }): number {
  let c = 0;
  while (c < b.width && b.counts[c]! > 0) c++;
  return c;
}

/** Per member, the (bucket id, count) columns of a one-text batch (the padding columns left out). */
function columnsOf(f: ReturnType<typeof createFeaturizer>, text: string): Array<Array<[number, number]>> {
  const b = f.featurize([text]);
  return Array.from({ length: b.members }, (_, m) =>
    Array.from({ length: ngramColumns(b) }, (_, c): [number, number] => [b.ids[m * b.width + c]!, b.counts[c]!]),
  );
}

/** Rounded up to whole blocks. */
const blocks = (columns: number) => Math.ceil(columns / COLUMN_BLOCK) * COLUMN_BLOCK;

/** Per member, the multiset of bucket ids (id -> occurrences). */
function bagsOf(f: ReturnType<typeof createFeaturizer>, text: string): Array<Map<number, number>> {
  return columnsOf(f, text).map((cols) => {
    const bag = new Map<number, number>();
    for (const [id, count] of cols) bag.set(id, (bag.get(id) ?? 0) + count);
    return bag;
  });
}

describe('featurizer', () => {
  it('emits unigrams (each distinct one once, with its count) and bigrams of lowercased words, mean-pooled over words', () => {
    const f = createFeaturizer(config);
    const b = f.featurize(['The cat, the CAT!']);
    expect(b.n).toBe(1);
    expect(b.members).toBe(3);
    // "the" (x2) and "cat" (x2) once each, then the bigrams "the cat", "cat the", "the cat"; the rest of the
    // document's block and the closing block are padding.
    expect(ngramColumns(b)).toBe(2 + 3);
    expect(b.width).toBe(2 * COLUMN_BLOCK);
    expect(Array.from(b.offsets)).toEqual([0, COLUMN_BLOCK]);
    expect(b.scale[0]).toBeCloseTo(1 / 4, 7);
    for (const row of columnsOf(f, 'The cat, the CAT!')) {
      const [the, cat, bi1, bi2, bi3] = row;
      expect([the![1], cat![1], bi1![1], bi2![1], bi3![1]]).toEqual([2, 2, 1, 1, 1]);
      expect(the![0]).not.toBe(cat![0]);
      expect(bi1![0]).toBe(bi3![0]); // "the cat" twice
      expect(bi2![0]).not.toBe(bi1![0]);
    }
  });

  it('gives each member its own bucket range and hash layout', () => {
    const f = createFeaturizer(config);
    const ids = columnsOf(f, 'alpha beta gamma delta epsilon zeta eta theta').map((row) => row.map(([id]) => id));
    const b = config.buckets;
    ids.forEach((row, m) => row.forEach((id) => expect(id >= m * b && id < (m + 1) * b).toBe(true)));
    const local = ids.map((row) => row.map((id) => id % b));
    expect(local[0]).not.toEqual(local[1]);
    expect(local[1]).not.toEqual(local[2]);
  });

  it('flattens documents in blocks: each starts a block, padding (count 0) fills its last one, one padding block closes the batch', () => {
    const f = createFeaturizer(config);
    const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '); // 40 unigrams + 39 bigrams: 3 blocks
    const b = f.featurize(['one two three', '', '   ...  ', 'four five', long]);
    const B = COLUMN_BLOCK;
    expect(Array.from(b.offsets)).toEqual([0, B, B, B, 2 * B, 5 * B]);
    expect(b.width).toBe(6 * B);
    expect(Array.from(b.scale)).toEqual([1 / 3, 0, 0, 1 / 2, 1 / 40].map((x) => Math.fround(x)));
    // Real columns have counts >= 1; every other column is padding: count 0 and the padding id for every member.
    const real = new Set([...[0, 1, 2, 3, 4].map((c) => c), ...[0, 1, 2].map((c) => B + c), ...Array.from({ length: 79 }, (_, c) => 2 * B + c)]);
    for (let c = 0; c < b.width; c++) {
      if (real.has(c)) expect(b.counts[c]).toBeGreaterThanOrEqual(1);
      else {
        expect(b.counts[c]).toBe(0);
        for (let m = 0; m < 3; m++) expect(b.ids[m * b.width + c]).toBe(f.padId);
      }
    }
    expect(f.padId).toBe(3 * config.buckets);
  });

  it('caps the hashed n-grams at maxWords words', () => {
    const f = createFeaturizer({ ...config, maxWords: 10 });
    const text = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    const b = f.featurize([text]);
    expect(ngramColumns(b)).toBe(10 + 9);
    expect(b.scale[0]).toBeCloseTo(1 / 10, 7);
  });

  it('counts every occurrence of a repeated word once it is deduplicated (the bag of n-grams is unchanged)', () => {
    const f = createFeaturizer(config);
    const text = 'a rose is a rose is a rose';
    const bags = bagsOf(f, text);
    // 8 unigrams (a x3, rose x3, is x2) and 7 bigrams (a rose x3, rose is x2, is a x2) per member.
    for (const bag of bags) {
      expect([...bag.values()].reduce((x, y) => x + y, 0)).toBe(8 + 7);
      expect(bag.size).toBe(6);
    }
    expect(ngramColumns(f.featurize([text]))).toBe(3 + 7); // 3 distinct unigrams + 7 bigram columns
  });

  it('featurises a document identically alone and inside a batch, and packs chosen documents in the order given', () => {
    const f = createFeaturizer(config);
    const texts = ['short one', 'a much longer document with many more words than the others in it', 'médium Ünïcode tëxt ÉTÉ'];
    const alone = f.featurize([texts[2]!]);
    const aloneIds = Array.from(alone.ids);
    const aloneCounts = Array.from(alone.counts);
    const aloneDense = Array.from(alone.dense);
    const w = alone.width - COLUMN_BLOCK; // its columns, padded to whole blocks
    const batch = f.featurize(texts);
    const at = batch.offsets[2]!;
    expect(batch.offsets[3]! - at).toBe(w);
    for (let m = 0; m < 3; m++) {
      const row = Array.from(batch.ids.subarray(m * batch.width + at, m * batch.width + at + w));
      expect(row).toEqual(aloneIds.slice(m * alone.width, m * alone.width + w));
    }
    expect(Array.from(batch.counts.subarray(at, at + w))).toEqual(aloneCounts.slice(0, w));
    expect(Array.from(batch.dense.subarray(2 * batch.denseDim, 3 * batch.denseDim))).toEqual(aloneDense);
    const firstWidth = batch.offsets[1]!;
    expect(firstWidth).toBe(blocks(2 + 1));
    const picked = f.pack(f.analyze(texts), [2, 0]); // reuses the buffers `batch` views
    expect(picked.n).toBe(2);
    expect(Array.from(picked.offsets)).toEqual([0, w, w + firstWidth]);
    expect(picked.width).toBe(w + firstWidth + COLUMN_BLOCK);
    expect(Array.from(picked.ids.subarray(0, w))).toEqual(aloneIds.slice(0, w));
    expect(Array.from(picked.dense.subarray(0, picked.denseDim))).toEqual(aloneDense);
  });

  it('lowercases non-ASCII letters too', () => {
    const f = createFeaturizer(config);
    expect(columnsOf(f, 'ÉTÉ Über')).toEqual(columnsOf(f, 'été über'));
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
