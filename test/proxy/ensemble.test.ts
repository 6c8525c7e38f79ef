import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  exportEnsembleOnnx,
  featureConfigSchema,
  fitProxy,
  predictEnsemble,
  ProxyScorer,
  ProxyTrainingError,
  spreadCalibrationSchema,
  type FitProxyOptions,
  type FitProxyResult,
} from '../../lib/proxy/index.ts';
import { brownDocs, words } from './brown-docs.ts';

const KEYWORDS = new Set(['the', 'of', 'and', 'he', 'was', 'said', 'had', 'his']);
/** Synthetic target: share of keyword occurrences, a linear function of unigram term frequencies. */
const keywordShare = (text: string) => {
  const ws = words(text);
  return ws.length ? (10 * ws.filter((w) => KEYWORDS.has(w)).length) / ws.length : 0;
};

const docs = brownDocs(700);
const examples = docs.map((text) => ({ text, target: keywordShare(text) }));
const opts: FitProxyOptions = { members: 3, buckets: 1 << 12, epochs: 30, l2: 1e-4, heldOut: 0.2, seed: 3, topKFraction: 0.25 };

let fitted: FitProxyResult;
let onnx: Uint8Array;
let scorer: ProxyScorer;

beforeAll(async () => {
  fitted = fitProxy(examples, opts);
  onnx = exportEnsembleOnnx(fitted.model);
  scorer = await ProxyScorer.create(onnx, fitted.model.features);
});
afterAll(async () => scorer?.close());

describe('proxy ensemble', () => {
  it('learns a synthetic target with held-out Spearman > 0.9', () => {
    expect(fitted.fidelity.n).toBe(140);
    expect(fitted.fidelity.spearman).toBeGreaterThan(0.9);
    expect(fitted.fidelity.pearson).toBeGreaterThan(0.9);
    expect(fitted.fidelity.r2).toBeGreaterThan(0.7);
    expect(fitted.samplePredictions).toHaveLength(docs.length);
    expect(spreadCalibrationSchema.safeParse(fitted.spreadCalibration).success).toBe(true);
    expect(featureConfigSchema.safeParse(fitted.model.features).success).toBe(true);
  });

  it('ONNX output equals the plain JS ensemble to 1e-4 relative', async () => {
    const texts = docs.slice(0, 200);
    const js = predictEnsemble(fitted.model, texts);
    const ox = await scorer.score(texts);
    for (let i = 0; i < texts.length; i++) {
      expect(Math.abs(ox.mean[i]! - js.mean[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(js.mean[i]!)));
      expect(Math.abs(ox.std[i]! - js.std[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(js.mean[i]!)));
    }
  });

  it('scores a document alone as it does in a batch of mixed lengths', async () => {
    const batch = [docs[5]!, 'tiny', '', docs.slice(10, 14).join('\n'), docs[7]!];
    const together = await scorer.score(batch);
    for (let i = 0; i < batch.length; i++) {
      const alone = await scorer.score([batch[i]!]);
      expect(Math.abs(alone.mean[0]! - together.mean[i]!)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(alone.std[0]! - together.std[i]!)).toBeLessThanOrEqual(1e-5);
    }
    // Chunked runs (tiny id budget) agree with one run.
    const chunked = await ProxyScorer.create(onnx, fitted.model.features, { maxIdsPerRun: 64 });
    const again = await chunked.score(batch);
    await chunked.close();
    for (let i = 0; i < batch.length; i++) expect(Math.abs(again.mean[i]! - together.mean[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('has a positive spread with several members', async () => {
    const { std } = await scorer.score(docs.slice(0, 50));
    expect(Array.from(std).every((s) => s > 0)).toBe(true);
  });

  it('is deterministic: the same seed gives byte-identical ONNX, another seed differs', () => {
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const small = examples.slice(0, 200);
    const a = exportEnsembleOnnx(fitProxy(small, { ...opts, epochs: 3 }).model);
    const b = exportEnsembleOnnx(fitProxy(small, { ...opts, epochs: 3 }).model);
    const c = exportEnsembleOnnx(fitProxy(small, { ...opts, epochs: 3, seed: 4 }).model);
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
  });

  it('has zero spread with a single member', async () => {
    const one = fitProxy(examples.slice(0, 200), { ...opts, members: 1, epochs: 3 });
    const s = await ProxyScorer.create(exportEnsembleOnnx(one.model), one.model.features);
    const { std, mean } = await s.score(docs.slice(0, 20));
    await s.close();
    expect(Array.from(std).every((x) => x === 0)).toBe(true);
    expect(Array.from(mean).every(Number.isFinite)).toBe(true);
  });

  it('returns empty arrays for no texts', async () => {
    const out = await scorer.score([]);
    expect(out.mean).toHaveLength(0);
    expect(out.std).toHaveLength(0);
  });

  it('rejects bad training input with a named error', () => {
    expect(() => fitProxy(examples.slice(0, 3), opts)).toThrow(ProxyTrainingError);
    expect(() => fitProxy([...examples.slice(0, 10), { text: 'x', target: Number.NaN }], opts)).toThrow(/example 10: target NaN/);
    expect(() => fitProxy(examples, { ...opts, buckets: 1000 })).toThrow(/power of two/);
  });

  it('rejects a graph without the proxy inputs', async () => {
    await expect(ProxyScorer.create(new Uint8Array([1, 2, 3]), fitted.model.features)).rejects.toThrow(/could not load/);
  });
});
