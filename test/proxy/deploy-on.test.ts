import { describe, expect, it } from 'vitest';
import { exportEnsembleOnnx, fitProxy, heldOutSplit, predictEnsemble, type FitProxyOptions } from '../../lib/proxy/index.ts';
import { docHash } from '../../lib/select/index.ts';
import { brownDocs, words } from './brown-docs.ts';

const labelled = brownDocs(600);
const opts: FitProxyOptions = { members: 2, buckets: 1 << 12, epochs: 10, l2: 1e-4, heldOut: 0.25, seed: 5, topKFraction: 0.25 };

/** Every word has its own seeded weight: learning the target means seeing the words, so every label helps. */
const wordWeights = (text: string) => {
  const ws = words(text);
  return ws.length ? ws.reduce((a, w) => a + (docHash(w, 9) / 4294967296 - 0.5), 0) / Math.sqrt(ws.length) : 0;
};
const examples = labelled.map((text) => ({ text, target: wordWeights(text) }));

describe("proxy deployOn: what the deployed ensemble trains on", () => {
  const split = fitProxy(examples, { ...opts, deployOn: 'split' });
  const deployed = fitProxy(examples, { ...opts, deployOn: 'all' });

  it("'all' trains the returned model on every label; fidelity is still the split-trained ensemble's", () => {
    expect(split.deployedLabels).toBe(split.trainLabels);
    expect(deployed.deployedLabels).toBe(examples.length);
    expect(deployed.trainLabels).toBe(split.trainLabels);
    expect(deployed.fidelity).toEqual(split.fidelity);
    expect(deployed.heldOut).toEqual(split.heldOut);
    expect(Buffer.from(exportEnsembleOnnx(deployed.model)).equals(Buffer.from(exportEnsembleOnnx(split.model)))).toBe(false);
  });

  it("'all' fits the held-out examples closer than the split-trained model, which never saw them", () => {
    const { test } = heldOutSplit(labelled, opts.heldOut, opts.seed);
    const texts = Array.from(test, (i) => labelled[i]!);
    const truth = Array.from(test, (i) => examples[i]!.target);
    const err = (r: ReturnType<typeof fitProxy>) => {
      const p = predictEnsemble(r.model, texts).mean;
      return truth.reduce((a, t, k) => a + Math.abs(p[k]! - t), 0) / truth.length;
    };
    expect(err(deployed)).toBeLessThan(0.8 * err(split));
  });

  it('the held-out labels reach the deployed model only with deployOn all', () => {
    const { test } = heldOutSplit(labelled, opts.heldOut, opts.seed);
    expect(test.length).toBe(deployed.fidelity.n);
    // Change the target of one held-out example: the split-trained model cannot see it, the deployed one does.
    const firstHeldOut = test[0]!;
    const changed = examples.map((e, i) => (i === firstHeldOut ? { ...e, target: e.target + 5 } : e));
    const onnx = (r: ReturnType<typeof fitProxy>) => Buffer.from(exportEnsembleOnnx(r.model));
    expect(onnx(fitProxy(changed, { ...opts, deployOn: 'split' })).equals(onnx(split))).toBe(true);
    expect(onnx(fitProxy(changed, { ...opts, deployOn: 'all' })).equals(onnx(deployed))).toBe(false);
    // Deterministic: the same examples and options give the same deployed bytes.
    expect(onnx(fitProxy(examples, { ...opts, deployOn: 'all' })).equals(onnx(deployed))).toBe(true);
  });
});
