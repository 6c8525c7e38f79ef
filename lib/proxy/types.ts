import type { FeatureConfig } from '../features/index.ts';
import type { SpreadCalibration } from './fidelity.ts';

/**
 * A trained ensemble of K linear members over the shared features. Member k predicts
 * `scale * sum_l table[ids[k, l]] + dense . denseWeights[:, k] + bias[k]` in target units.
 */
export interface EnsembleModel {
  /** The featurizer configuration; its hashSeeds give the members. */
  readonly features: FeatureConfig;
  /** Members (K). */
  readonly members: number;
  /** Concatenated member tables [K * buckets + 1]; the last slot is the padding id and holds 0. */
  readonly table: Float32Array;
  /** Dense weights, row-major [D, K]. */
  readonly denseWeights: Float32Array;
  /** Per-member bias [K]. */
  readonly bias: Float32Array;
}

/** One labelled training example. */
export interface ProxyExample {
  text: string;
  target: number;
}

/** Training options (from the job spec's proxy section). */
export interface FitProxyOptions {
  /** Ensemble members (K >= 1); each trains on its own bootstrap resample with its own hash seed. */
  members: number;
  /** Hashed buckets per member (power of two). */
  buckets: number;
  /** Passes over each member's resample. */
  epochs: number;
  /** L2 penalty on the weights a document touches. */
  l2: number;
  /** Share of the examples held out to measure fidelity (0 < heldOut < 1). */
  heldOut: number;
  /** Seed of the split, the resamples, the hash seeds and the example order. */
  seed: number;
  /** Share of documents for top-k agreement (the budget's share). */
  topKFraction: number;
  /** AdaGrad learning rate (default 0.2). */
  learningRate?: number;
  /** Words per document that feed the hashed n-grams (default 1024). */
  maxWords?: number;
  /**
   * Share of the training split to train on (default 1): a seeded subset, nested across shares, with the same held-out
   * split, for the fidelity learning curve.
   */
  trainFraction?: number;
  /**
   * What the returned model trains on once fidelity is measured: `split` (default) keeps the members fitted on the
   * training split; `all` trains them again on every example, the held-out ones included.
   */
  deployOn?: 'split' | 'all';
}

/** Agreement of the ensemble mean with the target on the held-out examples. */
export interface Fidelity {
  spearman: number;
  pearson: number;
  r2: number;
  topKAgreement: number;
  /** Held-out examples. */
  n: number;
}

/** What fitProxy returns. */
export interface FitProxyResult {
  model: EnsembleModel;
  /** Labelled examples the members trained on (the training split, or the trainFraction of it). */
  trainLabels: number;
  /** Labelled examples the returned model trained on: trainLabels, or every example with `deployOn: 'all'`. */
  deployedLabels: number;
  fidelity: Fidelity;
  /** How well the ensemble's spread predicts its error on the held-out examples. */
  spreadCalibration: SpreadCalibration;
  /** The returned model's ensemble mean on every example, in input order (for the band policy's quantiles). */
  samplePredictions: number[];
  /** The held-out examples' targets, the ensemble's predictions and spreads there (the evidence behind `fidelity`). */
  heldOut: { reference: number[]; predicted: number[]; spread: number[] };
}

/** The proxy's outputs for a batch: ensemble mean and population std over members. */
export interface ProxyScores {
  mean: Float32Array;
  std: Float32Array;
}
