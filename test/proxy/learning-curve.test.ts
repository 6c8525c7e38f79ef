import { describe, expect, it } from 'vitest';
import { fitProxy, learningCurve, describeLearningCurve, trainSubset, type FitProxyOptions } from '../../lib/proxy/index.ts';
import { docHash } from '../../lib/select/index.ts';
import { brownDocs, words } from './brown-docs.ts';

const docs = brownDocs(600);
const opts: FitProxyOptions = { members: 2, buckets: 1 << 12, epochs: 10, l2: 1e-4, heldOut: 0.25, seed: 5, topKFraction: 0.25 };

/** Every word has its own seeded weight: learning the target means seeing the words, so more labels keep helping. */
const wordWeights = (text: string) => {
  const ws = words(text);
  return ws.length ? ws.reduce((a, w) => a + (docHash(w, 9) / 4294967296 - 0.5), 0) / Math.sqrt(ws.length) : 0;
};
/** The document's length: the dense statistics give it away, a few labels suffice. */
const logLength = (text: string) => Math.log(1 + text.length);

describe('fidelity learning curve', () => {
  it('trains on nested, seeded subsets of the training split', () => {
    const train = Int32Array.from({ length: 100 }, (_, i) => i * 2);
    const quarter = trainSubset(train, 0.25, 1);
    const half = trainSubset(train, 0.5, 1);
    expect(quarter).toHaveLength(25);
    expect(half).toHaveLength(50);
    expect([...quarter].every((i) => half.includes(i))).toBe(true);
    expect([...half].every((i) => train.includes(i))).toBe(true);
    expect(trainSubset(train, 0.5, 1)).toEqual(half);
    expect(trainSubset(train, 0.5, 2)).not.toEqual(half);
    expect(trainSubset(train, 1, 1)).toBe(train);
  });

  it('says more labels would help when fidelity still rises with them', () => {
    const examples = docs.map((text) => ({ text, target: wordWeights(text) }));
    const full = fitProxy(examples, opts);
    const curve = learningCurve(examples, opts, full);
    expect(curve.points.map((p) => p.fraction)).toEqual([0.25, 0.5, 1]);
    expect(curve.points.map((p) => p.labels)).toEqual([Math.round(0.25 * full.trainLabels), Math.round(0.5 * full.trainLabels), full.trainLabels]);
    expect(curve.points[2]!.spearman).toBe(full.fidelity.spearman);
    expect(curve.points[0]!.spearman).toBeLessThan(curve.points[1]!.spearman);
    expect(curve.lastDoublingGain).toBeCloseTo(curve.points[2]!.spearman - curve.points[1]!.spearman, 12);
    expect(curve.moreLabelsHelp).toBe(true);
    expect(describeLearningCurve(curve)).toMatch(/^more labels would still help/);
  });

  it('says more labels would add little when the curve is flat', () => {
    const examples = docs.map((text) => ({ text, target: logLength(text) }));
    const full = fitProxy(examples, opts);
    const curve = learningCurve(examples, opts, full);
    expect(curve.points[0]!.spearman).toBeGreaterThan(0.9);
    expect(curve.moreLabelsHelp).toBe(false);
    expect(describeLearningCurve(curve)).toMatch(/^more labels would add little/);
  });
});
