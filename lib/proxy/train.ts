import {
  createFeaturizer,
  defaultFeatureConfig,
  deriveSeed,
  hashString,
  type AnalyzedBatch,
  type FeatureConfig,
  type Featurizer,
} from '../features/index.ts';
import { combineMembers, memberPredictions } from './ensemble.ts';
import { ProxyTrainingError } from './errors.ts';
import { pearson, r2, spearman, spreadCalibration, topKAgreement } from './fidelity.ts';
import { mulberry32, shuffleInPlace } from './random.ts';
import type { EnsembleModel, FitProxyOptions, FitProxyResult, ProxyExample, ProxyScores } from './types.ts';

/** AdaGrad learning rate unless the options say otherwise. */
export const DEFAULT_LEARNING_RATE = 2;
const ADAGRAD_EPS = 1e-8;
/** Initial AdaGrad accumulator of the sparse weights: damps the first steps of rarely seen buckets. */
const ADAGRAD_INIT = 1;
/** Documents per packed chunk when predicting (bounds the packed tensors). */
const PREDICT_CHUNK = 128;

function checkOptions(examples: readonly ProxyExample[], opts: FitProxyOptions): void {
  const bad = (what: string) => {
    throw new ProxyTrainingError(`fitProxy: ${what}`);
  };
  if (!Number.isInteger(opts.members) || opts.members < 1 || opts.members > 64) bad(`members must be an integer in 1..64 (got ${opts.members})`);
  if (!Number.isInteger(opts.buckets) || opts.buckets < 2 || (opts.buckets & (opts.buckets - 1)) !== 0) {
    bad(`buckets must be a power of two (got ${opts.buckets})`);
  }
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) bad(`epochs must be a positive integer (got ${opts.epochs})`);
  if (!(opts.l2 >= 0)) bad(`l2 must be >= 0 (got ${opts.l2})`);
  if (!(opts.heldOut > 0 && opts.heldOut < 1)) bad(`heldOut must be in (0, 1) (got ${opts.heldOut})`);
  if (!(opts.topKFraction > 0 && opts.topKFraction <= 1)) bad(`topKFraction must be in (0, 1] (got ${opts.topKFraction})`);
  if (opts.trainFraction !== undefined && !(opts.trainFraction > 0 && opts.trainFraction <= 1)) {
    bad(`trainFraction must be in (0, 1] (got ${opts.trainFraction})`);
  }
  if (examples.length < 4) bad(`need at least 4 examples (got ${examples.length})`);
  for (let i = 0; i < examples.length; i++) {
    const e = examples[i]!;
    if (typeof e.text !== 'string') bad(`example ${i}: text is not a string`);
    if (!Number.isFinite(e.target)) bad(`example ${i}: target ${e.target} is not a finite number`);
  }
}

/**
 * Seeded held-out split: examples ordered by a hash of (text, seed) (ties by index); the first round(heldOut * n)
 * (at least 2, leaving at least 2 to train on) are held out. Duplicate texts land on the same side.
 */
export function heldOutSplit(texts: readonly string[], heldOut: number, seed: number): { train: Int32Array; test: Int32Array } {
  const n = texts.length;
  const splitSeed = deriveSeed(seed, 0x5eed);
  const keys = texts.map((t) => hashString(t, splitSeed));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
  const hold = Math.min(n - 2, Math.max(2, Math.round(heldOut * n)));
  const test = Int32Array.from(order.slice(0, hold)).sort();
  const train = Int32Array.from(order.slice(hold)).sort();
  return { train, test };
}

/**
 * The first round(fraction * n) (at least 2) of the training split in a seeded order of its indexes: nested, so a
 * smaller share is a subset of a larger one.
 */
export function trainSubset(train: Int32Array, fraction: number, seed: number): Int32Array {
  if (fraction >= 1) return train;
  const keep = Math.min(train.length, Math.max(2, Math.round(fraction * train.length)));
  const order = Int32Array.from(train);
  shuffleInPlace(order, mulberry32(deriveSeed(seed, 0x1ea7)));
  return order.slice(0, keep).sort();
}

/** Per-document sparse rows of one member: bucket ids and values (count * pooling scale), CSR. */
interface SparseRows {
  start: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** A document's hashes number fewer than this (2 * maxWords <= 2^17), so (bucket, position) packs into one float64 key. */
const POSITION_RANGE = 1 << 17;

function memberRows(f: Featurizer, batch: AnalyzedBatch, member: number): SparseRows {
  const n = batch.n;
  const start = new Int32Array(n + 1);
  const cols = new Int32Array(batch.hashes.length);
  const vals = new Float64Array(batch.hashes.length);
  let keys = new Float64Array(64);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const a = batch.offsets[i]!;
    const b = batch.offsets[i + 1]!;
    const len = b - a;
    if (keys.length < len) keys = new Float64Array(len * 2);
    // Sorted by bucket: the hashes that share a bucket (repeated n-grams, collisions) merge into one column.
    for (let p = 0; p < len; p++) keys[p] = f.bucketOf(batch.hashes[a + p]!, member) * POSITION_RANGE + p;
    const sorted = keys.subarray(0, len).sort();
    const scale = batch.scale[i]!;
    let p = 0;
    while (p < len) {
      const bucket = Math.floor(sorted[p]! / POSITION_RANGE);
      let count = 0;
      while (p < len && Math.floor(sorted[p]! / POSITION_RANGE) === bucket) count += batch.counts[a + (sorted[p++]! % POSITION_RANGE)]!;
      cols[o] = bucket;
      vals[o] = count * scale;
      o++;
    }
    start[i + 1] = o;
  }
  return { start, cols: cols.slice(0, o), vals: vals.slice(0, o) };
}

/** Trains one linear member with AdaGrad on standardised targets; returns its weights (standardised units). */
function trainMember(
  rows: SparseRows,
  dense: Float32Array,
  d: number,
  y: Float64Array,
  sample: Int32Array,
  buckets: number,
  opts: { epochs: number; l2: number; lr: number; seed: number },
): { w: Float64Array; v: Float64Array; bias: number } {
  const w = new Float64Array(buckets);
  const gw = new Float64Array(buckets).fill(ADAGRAD_INIT);
  const v = new Float64Array(d);
  const gv = new Float64Array(d);
  let bias = 0;
  let gb = 0;
  const { lr, l2 } = opts;
  const rand = mulberry32(opts.seed);
  const order = sample.slice();
  const { start, cols, vals } = rows;
  for (let e = 0; e < opts.epochs; e++) {
    shuffleInPlace(order, rand);
    for (let t = 0; t < order.length; t++) {
      const i = order[t]!;
      const a = start[i]!;
      const b = start[i + 1]!;
      let pred = bias;
      for (let j = a; j < b; j++) pred += w[cols[j]!]! * vals[j]!;
      const row = i * d;
      for (let c = 0; c < d; c++) pred += v[c]! * dense[row + c]!;
      const err = pred - y[i]!;
      for (let j = a; j < b; j++) {
        const k = cols[j]!;
        const g = err * vals[j]! + l2 * w[k]!;
        const acc = gw[k]! + g * g;
        gw[k] = acc;
        w[k] = w[k]! - (lr * g) / (Math.sqrt(acc) + ADAGRAD_EPS);
      }
      for (let c = 0; c < d; c++) {
        const g = err * dense[row + c]! + l2 * v[c]!;
        gv[c] = gv[c]! + g * g;
        v[c] = v[c]! - (lr * g) / (Math.sqrt(gv[c]!) + ADAGRAD_EPS);
      }
      gb += err * err;
      bias -= (lr * err) / (Math.sqrt(gb) + ADAGRAD_EPS);
    }
  }
  return { w, v, bias };
}

function standardiseDense(base: FeatureConfig, raw: Float32Array, train: Int32Array): FeatureConfig {
  const d = base.dense.length;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < d; c++) {
    let s = 0;
    for (const i of train) s += raw[i * d + c]!;
    const mu = s / train.length;
    let v = 0;
    for (const i of train) v += (raw[i * d + c]! - mu) ** 2;
    const sd = Math.sqrt(v / train.length);
    mean.push(mu);
    std.push(sd > 1e-9 ? sd : 1);
  }
  return { ...base, denseMean: mean, denseStd: std };
}

/** Ensemble mean and std of every document of an analysed batch, packed in chunks of PREDICT_CHUNK documents. */
export function predictAnalyzed(model: EnsembleModel, f: Featurizer, batch: AnalyzedBatch): ProxyScores {
  const n = batch.n;
  const mean = new Float32Array(n);
  const std = new Float32Array(n);
  for (let s = 0; s < n; s += PREDICT_CHUNK) {
    const docs = Int32Array.from({ length: Math.min(PREDICT_CHUNK, n - s) }, (_, r) => s + r);
    const packed = f.pack(batch, docs);
    const out = combineMembers(memberPredictions(model, packed), packed.n, packed.members);
    mean.set(out.mean, s);
    std.set(out.std, s);
  }
  return { mean, std };
}

function pick(a: ArrayLike<number>, idx: Int32Array): Float64Array {
  return Float64Array.from(idx, (i) => a[i]!);
}

/** The examples' texts with their raw dense statistics (identity standardisation): what every ensemble standardises. */
interface RawTexts {
  texts: readonly string[];
  baseConfig: FeatureConfig;
  rawDense: Float32Array;
}

function analyzeRaw(examples: readonly ProxyExample[], opts: FitProxyOptions): RawTexts {
  const texts = examples.map((e) => e.text);
  const baseConfig = defaultFeatureConfig({
    buckets: opts.buckets,
    members: opts.members,
    seed: opts.seed,
    ...(opts.maxWords !== undefined ? { maxWords: opts.maxWords } : {}),
  });
  return { texts, baseConfig, rawDense: createFeaturizer(baseConfig).analyze(texts).dense };
}

/** An ensemble trained on some of the examples, with the featurizer and analysed texts it was trained with. */
interface TrainedEnsemble {
  model: EnsembleModel;
  featurizer: Featurizer;
  analyzed: AnalyzedBatch;
}

/**
 * Trains the K members on the examples `on` (dense statistics standardised over them, targets standardised by their
 * mean and spread): each on its own bootstrap resample of `on` (all of `on` when K = 1) in a seeded order.
 */
function trainEnsemble(examples: readonly ProxyExample[], raw: RawTexts, on: Int32Array, opts: FitProxyOptions): TrainedEnsemble {
  const { texts } = raw;
  const config = standardiseDense(raw.baseConfig, raw.rawDense, on);
  const featurizer = createFeaturizer(config);
  const analyzed = featurizer.analyze(texts);
  const d = featurizer.denseDim;

  let mu = 0;
  for (const i of on) mu += examples[i]!.target;
  mu /= on.length;
  let sd = 0;
  for (const i of on) sd += (examples[i]!.target - mu) ** 2;
  sd = Math.sqrt(sd / on.length);
  if (!(sd > 1e-12)) sd = 1;
  const y = Float64Array.from(examples, (e) => (e.target - mu) / sd);

  const k = opts.members;
  const b = opts.buckets;
  const table = new Float32Array(k * b + 1);
  const denseWeights = new Float32Array(d * k);
  const bias = new Float32Array(k);
  const lr = opts.learningRate ?? DEFAULT_LEARNING_RATE;
  for (let m = 0; m < k; m++) {
    const rand = mulberry32(deriveSeed(opts.seed, 2000 + m));
    const sample = k === 1 ? on : Int32Array.from(on, () => on[Math.floor(rand() * on.length)]!);
    const rows = memberRows(featurizer, analyzed, m);
    const fitted = trainMember(rows, analyzed.dense, d, y, sample, b, {
      epochs: opts.epochs,
      l2: opts.l2,
      lr,
      seed: deriveSeed(opts.seed, 3000 + m),
    });
    for (let j = 0; j < b; j++) table[m * b + j] = fitted.w[j]! * sd;
    for (let c = 0; c < d; c++) denseWeights[c * k + m] = fitted.v[c]! * sd;
    bias[m] = fitted.bias * sd + mu;
  }
  return { model: { features: config, members: k, table, denseWeights, bias }, featurizer, analyzed };
}

/**
 * Fits the proxy ensemble: a seeded held-out split; K linear members (hashed unigram + bigram buckets with per-member
 * hash seeds, plus standardised dense statistics), each trained with AdaGrad on its own bootstrap resample of the
 * training split (the whole training split when K = 1) in a seeded order; fidelity and spread calibration measured on
 * the held-out split. With `deployOn: 'all'` the returned model is then trained again the same way on every example,
 * the held-out ones included (fidelity still describes the ensemble that never saw them). Deterministic for the same
 * examples, options and seed.
 */
export function fitProxy(examples: readonly ProxyExample[], opts: FitProxyOptions): FitProxyResult {
  checkOptions(examples, opts);
  const raw = analyzeRaw(examples, opts);
  const n = raw.texts.length;
  const split = heldOutSplit(raw.texts, opts.heldOut, opts.seed);
  const test = split.test;
  const train = trainSubset(split.train, opts.trainFraction ?? 1, opts.seed);
  const { model, featurizer, analyzed } = trainEnsemble(examples, raw, train, opts);

  const all = predictAnalyzed(model, featurizer, analyzed);
  const truth = pick(Float64Array.from(examples, (e) => e.target), test);
  const predTest = pick(all.mean, test);
  const stdTest = pick(all.std, test);
  const absErr = predTest.map((p, t) => Math.abs(p - truth[t]!));
  const deployed = opts.deployOn === 'all' ? trainEnsemble(examples, raw, Int32Array.from({ length: n }, (_, i) => i), opts) : undefined;
  return {
    model: deployed?.model ?? model,
    trainLabels: train.length,
    deployedLabels: deployed ? n : train.length,
    fidelity: {
      spearman: spearman(predTest, truth),
      pearson: pearson(predTest, truth),
      r2: r2(predTest, truth),
      topKAgreement: topKAgreement(predTest, truth, opts.topKFraction),
      n: test.length,
    },
    spreadCalibration: spreadCalibration(stdTest, absErr),
    samplePredictions: Array.from(deployed ? predictAnalyzed(deployed.model, deployed.featurizer, deployed.analyzed).mean : all.mean),
    heldOut: { reference: Array.from(truth), predicted: Array.from(predTest), spread: Array.from(stdTest) },
  };
}
