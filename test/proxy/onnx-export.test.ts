import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMN_BLOCK } from '../../lib/features/index.ts';
import { exportEnsembleOnnx, PROXY_GRAPH } from '../../lib/proxy/index.ts';
import type { EnsembleModel } from '../../lib/proxy/types.ts';
import { mulberry32 } from '../../lib/proxy/random.ts';

const K = 2;
const BUCKETS = 64;
const PAD_ID = K * BUCKETS;
const rand = mulberry32(7);
// Weights in multiples of 1/256 and small integer counts: every sum is exact in float32, whatever the order of the adds.
const table = Float32Array.from({ length: PAD_ID + 1 }, (_, i) => (i === PAD_ID ? 0 : Math.floor(rand() * 2048 - 1024) / 256));
const model: EnsembleModel = {
  features: {
    version: 1,
    kind: 'hashed-ngrams',
    buckets: BUCKETS,
    hashSeeds: [1, 2],
    maxWords: 1024,
    dense: ['logChars'],
    denseMean: [0],
    denseStd: [1],
  },
  members: K,
  table,
  denseWeights: new Float32Array(K),
  bias: new Float32Array(K),
};

let session: ort.InferenceSession;
beforeAll(async () => {
  session = await ort.InferenceSession.create(exportEnsembleOnnx(model), { intraOpNumThreads: 1 });
});
afterAll(async () => session?.release());

/**
 * Runs the graph on documents of the given column counts, laid out as the featurizer packs them (each document from a
 * block boundary, padded to whole blocks, one padding block closing the batch); returns means, spreads and sums.
 */
async function run(lengths: number[]) {
  const n = lengths.length;
  const offsets = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r]! + Math.ceil(lengths[r]! / COLUMN_BLOCK) * COLUMN_BLOCK;
  const w = offsets[n]! + COLUMN_BLOCK;
  const ids = new Int32Array(K * w).fill(PAD_ID);
  const counts = new Float32Array(w);
  for (let r = 0; r < n; r++) {
    for (let c = offsets[r]!; c < offsets[r]! + lengths[r]!; c++) {
      counts[c] = 1 + Math.floor(rand() * 7);
      for (let m = 0; m < K; m++) ids[m * w + c] = m * BUCKETS + Math.floor(rand() * BUCKETS);
    }
  }
  const g = PROXY_GRAPH;
  const out = await session.run({
    [g.ids]: new ort.Tensor('int32', ids, [K, w]),
    [g.counts]: new ort.Tensor('float32', counts, [w]),
    [g.offsets]: new ort.Tensor('int32', offsets, [n + 1]),
    [g.scale]: new ort.Tensor('float32', new Float32Array(n).fill(1), [n]),
    [g.dense]: new ort.Tensor('float32', new Float32Array(n), [n, 1]),
  });
  const sums = (r: number, m: number) => {
    let s = 0;
    for (let c = offsets[r]!; c < offsets[r + 1]!; c++) s += table[ids[m * w + c]!]! * counts[c]!;
    return s;
  };
  return { w, mean: out[g.mean]!.data as Float32Array, std: out[g.std]!.data as Float32Array, sums };
}

describe('proxy graph segment sums (columns summed in blocks of one document each)', () => {
  it.each([
    ['documents of exactly one block, of one column, an empty one', [32, 1, 0, 31]],
    ['one empty document (the closing padding block alone)', [0]],
    ['documents across many blocks and inside one block', [5, 65, 29, 2, 0, 130]],
    ['empty documents first and last', [0, 0, 40, 0]],
  ])('gives every document its exact member sums: %s', async (_, lengths) => {
    const { w, mean, std, sums } = await run(lengths);
    expect(w % COLUMN_BLOCK).toBe(0);
    expect(mean).toHaveLength(lengths.length);
    for (let r = 0; r < lengths.length; r++) {
      const s0 = sums(r, 0);
      const s1 = sums(r, 1);
      expect(mean[r]).toBe((s0 + s1) / 2);
      expect(std[r]).toBeCloseTo(Math.abs(s0 - s1) / 2, 5);
    }
  });
});
