import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeaturizer } from '../../lib/features/index.ts';
import { combineMembers, memberPredictions } from '../../lib/proxy/ensemble.ts';
import { exportEnsembleOnnx, fitProxy, ProxyScorer, type FitProxyResult } from '../../lib/proxy/index.ts';
import { brownDocs } from './brown-docs.ts';

/**
 * Scores of a fixed model on a fixed corpus computed by the graph this one replaced (ids padded to the longest
 * document of each run, summed by ReduceSum in float32; onnxruntime-node 1.30, maxIdsPerRun 2^18), as float32 base64.
 */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/padded-graph-scores.json', import.meta.url), 'utf8')) as {
  model: string;
  mean: string;
  std: string;
};
const floats = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};

const KEYWORDS = new Set(['the', 'of', 'and', 'he', 'was', 'said', 'had', 'his']);
const lowerWords = (t: string) => t.toLowerCase().split(/[^a-z]+/).filter(Boolean);
const target = (t: string) => {
  const w = lowerWords(t);
  return w.length ? (10 * w.filter((x) => KEYWORDS.has(x)).length) / w.length : 0;
};
const docs = brownDocs(700);
const texts = [...docs.slice(0, 300), '', 'tiny', docs.slice(300, 340).join('\n')];

let fitted: FitProxyResult;
let scorer: ProxyScorer;

beforeAll(async () => {
  fitted = fitProxy(
    docs.map((text) => ({ text, target: target(text) })),
    { members: 3, buckets: 1 << 12, epochs: 5, l2: 1e-4, heldOut: 0.2, seed: 3, topKFraction: 0.25 },
  );
  scorer = await ProxyScorer.create(exportEnsembleOnnx(fitted.model), fitted.model.features);
});
afterAll(async () => scorer?.close());

/** sha256 of float32 means then spreads. */
function digest(out: { mean: Float32Array; std: Float32Array }): string {
  const h = createHash('sha256');
  h.update(new Uint8Array(out.mean.buffer, out.mean.byteOffset, out.mean.byteLength));
  h.update(new Uint8Array(out.std.buffer, out.std.byteOffset, out.std.byteLength));
  return h.digest('hex');
}

/** Distance in float32 units in the last place (same-sign values). */
function ulps(a: number, b: number): number {
  const ia = new Int32Array(new Float32Array([a]).buffer)[0]!;
  const ib = new Int32Array(new Float32Array([b]).buffer)[0]!;
  return Math.abs(ia - ib);
}

describe('padding-free proxy graph', () => {
  it('trains the same model as before (fit did not change)', () => {
    const m = fitted.model;
    const h = createHash('sha256');
    for (const a of [m.table, m.denseWeights, m.bias]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    expect(h.digest('hex')).toBe(fixture.model);
  });

  it('gives the padded graph\'s scores to float32 rounding: means within 4 ulps, spreads within 1e-6 of the mean', async () => {
    const oldMean = floats(fixture.mean);
    const oldStd = floats(fixture.std);
    const out = await scorer.score(texts);
    expect(out.mean).toHaveLength(oldMean.length);
    let worst = 0;
    let identical = 0;
    for (let i = 0; i < texts.length; i++) {
      worst = Math.max(worst, ulps(out.mean[i]!, oldMean[i]!));
      if (out.mean[i] === oldMean[i]) identical++;
      expect(Math.abs(out.std[i]! - oldStd[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(oldMean[i]!)));
    }
    expect(worst).toBeLessThanOrEqual(4);
    expect(identical).toBeGreaterThan(texts.length / 2);
  });

  it('equals the plain TypeScript ensemble (float64 sums) to float32 rounding', async () => {
    const f = createFeaturizer(fitted.model.features);
    const packed = f.featurize(texts);
    const js = combineMembers(memberPredictions(fitted.model, packed), packed.n, packed.members);
    const out = await scorer.score(texts);
    for (let i = 0; i < texts.length; i++) {
      // The graph's remaining float32 steps (scale, dense MatMul, bias, mean) round a few times: 2e-6 relative.
      expect(Math.abs(out.mean[i]! - js.mean[i]!)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(js.mean[i]!)));
      expect(Math.abs(out.std[i]! - js.std[i]!)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(js.mean[i]!)));
    }
  });

  it('runs graphs exported before the block layout unchanged: the float64 block graph gives its scores bit for bit', async () => {
    // test/proxy/fixtures/block-graph-v1.onnx: this model as the previous export wrote it (float64 products summed in
    // blocks that could span documents, padded by the graph); the sha256 pins its float32 means then spreads, as
    // computed before the featurizer packed documents in blocks of their own.
    const old = await ProxyScorer.create(readFileSync(new URL('./fixtures/block-graph-v1.onnx', import.meta.url)), fitted.model.features);
    const out = await old.score(texts);
    await old.close();
    expect(digest(out)).toBe('cf8d2735836efaff9a35021ae3fc7efd8133c28c162ea5df27f967ba5f9d6d27');
  });

  it('sums blocks in float32: within 2 ulps of the float64 graph\'s means, most of them identical; pinned', async () => {
    const old = await ProxyScorer.create(readFileSync(new URL('./fixtures/block-graph-v1.onnx', import.meta.url)), fitted.model.features);
    const before = await old.score(texts);
    await old.close();
    const out = await scorer.score(texts);
    let worst = 0;
    let identical = 0;
    for (let i = 0; i < texts.length; i++) {
      worst = Math.max(worst, ulps(out.mean[i]!, before.mean[i]!));
      if (out.mean[i] === before.mean[i]) identical++;
      expect(Math.abs(out.std[i]! - before.std[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(before.mean[i]!)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(identical).toBeGreaterThan(0.9 * texts.length);
    expect(digest(out)).toBe('90bf736758d39c7e7465f471855863e9b1c26eb54746e0da1d1570b6db1f4a8d');
  });

  it('scores a document the same, bit for bit, whichever documents share its run', async () => {
    const together = await scorer.score(texts);
    const chunked = await ProxyScorer.create(exportEnsembleOnnx(fitted.model), fitted.model.features, { maxIdsPerRun: 3 * 400 });
    const apart = await chunked.score(texts);
    const reversed = await chunked.score([...texts].reverse());
    await chunked.close();
    let same = 0;
    for (let i = 0; i < texts.length; i++) {
      if (apart.mean[i] === together.mean[i] && reversed.mean[texts.length - 1 - i] === together.mean[i]) same++;
    }
    expect(same).toBe(texts.length);
  });
});
