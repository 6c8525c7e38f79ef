import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileKernel, KERNEL_MODULE, kernelModuleText } from '../../scripts/build-kernel.ts';
import { COLUMN_BLOCK, createFeaturizer, defaultFeatureConfig } from '../../lib/features/index.ts';
import { FNV_OFFSET, FNV_PRIME, fmix32 } from '../../lib/features/hashing.ts';

/** FNV-1a + fmix32 over a word's code units, written here independently of the kernel. */
function wordHash(codes: number[]): number {
  let h = FNV_OFFSET;
  for (const c of codes) h = Math.imul(h ^ c, FNV_PRIME);
  return fmix32(h);
}

const config = defaultFeatureConfig({ buckets: 1 << 10, members: 3, seed: 5, maxWords: 16 });

describe('the scan kernel (WebAssembly)', () => {
  it('is embedded exactly as its AssemblyScript source compiles (npm run build:kernel)', async () => {
    const committed = await readFile(KERNEL_MODULE, 'utf8');
    expect(committed === kernelModuleText(await compileKernel()), 'scan-kernel.wasm.ts is stale: run npm run build:kernel').toBe(true);
  });

  it('reads texts as UTF-16 code units: a lone surrogate is a word character of its own code', () => {
    const f = createFeaturizer(config);
    const b = f.analyze(['a\ud800b x', '\udc00']);
    // Document 0: unigram "a\ud800b", unigram "x", their bigram; document 1: the lone low surrogate.
    expect(b.hashes[b.offsets[0]!]).toBe(wordHash([0x61, 0xd800, 0x62]));
    expect(b.hashes[b.offsets[1]!]).toBe(wordHash([0xdc00]));
    expect(Array.from(b.offsets)).toEqual([0, 3, 4]);
  });

  it('gives every text the same features whichever texts share its batch, across memory growth', () => {
    const big = Array.from({ length: 60_000 }, (_, i) => `Word${i % 97} and the ${i % 13}th line.\n`).join('');
    const texts = ['short text here', big, 'The cat sat. The cat sat.', '', 'ÉTÉ naïve 漢字 😀'];
    const f = createFeaturizer(config);
    const together = f.analyze(texts);
    const joint = texts.map((_, i) => ({
      hashes: Array.from(together.hashes.subarray(together.offsets[i]!, together.offsets[i + 1]!)),
      counts: Array.from(together.counts.subarray(together.offsets[i]!, together.offsets[i + 1]!)),
      dense: Array.from(together.dense.subarray(i * f.denseDim, (i + 1) * f.denseDim)),
      stats: Array.from(together.tokenStats.subarray(i * 16, (i + 1) * 16)),
      textHashes: Array.from(together.textHashes.subarray(2 * i, 2 * i + 2)),
    }));
    for (const [i, t] of texts.entries()) {
      const alone = createFeaturizer(config).analyze([t]);
      expect(Array.from(alone.hashes)).toEqual(joint[i]!.hashes);
      expect(Array.from(alone.counts)).toEqual(joint[i]!.counts);
      expect(Array.from(alone.dense)).toEqual(joint[i]!.dense);
      expect(Array.from(alone.tokenStats)).toEqual(joint[i]!.stats);
      expect(Array.from(alone.textHashes)).toEqual(joint[i]!.textHashes);
    }
    // The big text alone grows the memory; a second analyze on the same featurizer reads the small texts right.
    const again = f.analyze(['The cat sat. The cat sat.']);
    expect(Array.from(again.hashes)).toEqual(joint[2]!.hashes);
  });

  it('packs each member\'s bucket ids (bucketOf) for all documents or a chosen subset, in blocks of one document each', () => {
    const f = createFeaturizer(config);
    const long = Array.from({ length: 30 }, (_, i) => `w${i % 20}`).join(' '); // 20 distinct unigrams + 29 bigrams
    const texts = ['the quick brown fox', 'jumps over the lazy dog the end', 'x', '', long];
    const b = f.analyze(texts);
    const B = COLUMN_BLOCK;
    for (const docs of [undefined, Int32Array.from([3, 4, 1, 0])]) {
      const p = f.pack(b, docs);
      const order = docs ? Array.from(docs) : [0, 1, 2, 3, 4];
      const padding = (col: number) => {
        for (let m = 0; m < f.members; m++) expect(p.ids[m * p.width + col]).toBe(f.padId);
        expect(p.counts[col]).toBe(0);
      };
      let col = 0;
      for (const [r, d] of order.entries()) {
        expect(p.offsets[r]).toBe(col);
        for (let q = b.offsets[d]!; q < b.offsets[d + 1]!; q++, col++) {
          for (let m = 0; m < f.members; m++) expect(p.ids[m * p.width + col]).toBe(m * config.buckets + f.bucketOf(b.hashes[q]!, m));
          expect(p.counts[col]).toBe(b.counts[q]);
        }
        for (; col % B !== 0; col++) padding(col);
      }
      expect(p.offsets[order.length]).toBe(col);
      expect(p.width).toBe(col + B);
      for (; col < p.width; col++) padding(col);
    }
  });

  it('refuses to pack a batch that is not its latest analyze, or a document outside the batch', () => {
    const f = createFeaturizer(config);
    const first = f.analyze(['one two three']);
    f.analyze(['four five']);
    expect(() => f.pack(first)).toThrow(/latest analyze/);
    const latest = f.analyze(['six']);
    expect(() => f.pack(latest, [1])).toThrow(/document 1 is not in the batch/);
  });
});
