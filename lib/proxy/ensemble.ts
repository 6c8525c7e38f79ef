import { createFeaturizer, type FeatureBatch } from '../features/index.ts';
import type { EnsembleModel, ProxyScores } from './types.ts';

/**
 * Per-member predictions [N, K] (float64) of a featurised batch, as the ONNX graph computes them: member m of
 * document r sums table[ids[m, c]] * counts[c] over the document's columns, times its pooling scale, plus the dense
 * part and the bias.
 */
export function memberPredictions(model: EnsembleModel, batch: FeatureBatch): Float64Array {
  const { n, members: k, width, ids, counts, offsets, scale, dense, denseDim: d } = batch;
  const out = new Float64Array(n * k);
  const table = model.table;
  for (let r = 0; r < n; r++) {
    for (let m = 0; m < k; m++) {
      let s = 0;
      const row = m * width;
      for (let c = offsets[r]!; c < offsets[r + 1]!; c++) s += table[ids[row + c]!]! * counts[c]!;
      let p = s * scale[r]! + model.bias[m]!;
      for (let c = 0; c < d; c++) p += dense[r * d + c]! * model.denseWeights[c * k + m]!;
      out[r * k + m] = p;
    }
  }
  return out;
}

/** Ensemble mean and population std over members from per-member predictions [N, K]. */
export function combineMembers(preds: Float64Array, n: number, k: number): ProxyScores {
  const mean = new Float32Array(n);
  const std = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let m = 0; m < k; m++) s += preds[r * k + m]!;
    const mu = s / k;
    let v = 0;
    for (let m = 0; m < k; m++) v += (preds[r * k + m]! - mu) ** 2;
    mean[r] = mu;
    std[r] = Math.sqrt(v / k);
  }
  return { mean, std };
}

/** The ensemble's mean and spread for `texts`, computed in plain JS (the reference the ONNX graph must match). */
export function predictEnsemble(model: EnsembleModel, texts: readonly string[]): ProxyScores {
  const batch = createFeaturizer(model.features).featurize(texts);
  return combineMembers(memberPredictions(model, batch), batch.n, batch.members);
}
