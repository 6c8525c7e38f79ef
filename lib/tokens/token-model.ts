/**
 * The token-count model: each document's tokens predicted from its cheap statistics (`docStats`) by a non-negative
 * linear model fitted on the labelled sample, whose token counts are exact. Non-negative least squares (Lawson-Hanson)
 * on relative errors: deterministic, no hyper-parameters, and every statistic can only add tokens, so a prediction
 * never goes negative and never shrinks as a text grows.
 */
import { z } from 'zod';
import { DOC_STAT_COUNT, DOC_STAT_NAMES } from '../features/index.ts';

export const tokenModelSchema = z.object({
  kind: z.literal('nnls-linear'),
  /** The statistics the weights apply to, in order (DOC_STAT_NAMES when it was fitted). */
  features: z.array(z.string()),
  /** Tokens per unit of each statistic (>= 0). */
  weights: z.array(z.number().nonnegative()),
  /** Tokens every non-empty document has besides (special tokens the tokenizer adds), >= 0. */
  intercept: z.number().nonnegative(),
});
export type TokenModel = z.infer<typeof tokenModelSchema>;

/** Errors of token estimates against exact counts. */
/** Errors of token estimates against exact counts (fractions; totalRelError is signed: > 0 over-estimates). */
export const tokenErrorsSchema = z.object({
  n: z.number().int(),
  /** Mean over documents of |estimate - exact| / exact (documents with at least one token). */
  meanAbsRelError: z.number(),
  /** (sum of estimates - sum of exact) / sum of exact, signed: what a budget adds up. */
  totalRelError: z.number(),
});
export type TokenErrors = z.infer<typeof tokenErrorsSchema>;

/** Solves the symmetric positive definite system A x = b (A: n x n row-major, small n) by Gaussian elimination. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let r = k + 1; r < n; r++) if (Math.abs(m[r * n + k]!) > Math.abs(m[p * n + k]!)) p = r;
    if (p !== k) {
      for (let c = 0; c < n; c++) [m[k * n + c], m[p * n + c]] = [m[p * n + c]!, m[k * n + c]!];
      [x[k], x[p]] = [x[p]!, x[k]!];
    }
    const d = m[k * n + k]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = k + 1; r < n; r++) {
      const f = m[r * n + k]! / d;
      if (f === 0) continue;
      for (let c = k; c < n; c++) m[r * n + c]! -= f * m[k * n + c]!;
      x[r]! -= f * x[k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k]!;
    for (let c = k + 1; c < n; c++) s -= m[k * n + c]! * x[c]!;
    const d = m[k * n + k]!;
    x[k] = Math.abs(d) < 1e-300 ? 0 : s / d;
  }
  return x;
}

/**
 * Non-negative least squares from the normal equations: min x'Gx - 2h'x subject to x >= 0 (Lawson and Hanson's
 * active-set method). G is d x d row-major.
 */
export function nnls(g: Float64Array, h: Float64Array, d: number, maxIterations = 10 * d + 50): Float64Array {
  const x = new Float64Array(d);
  const passive = new Uint8Array(d);
  const tol = 1e-12 * Math.max(1, ...Array.from(h, Math.abs));
  const gradient = () => {
    const w = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = h[i]!;
      for (let j = 0; j < d; j++) s -= g[i * d + j]! * x[j]!;
      w[i] = s;
    }
    return w;
  };
  const solvePassive = (): Float64Array => {
    const idx: number[] = [];
    for (let i = 0; i < d; i++) if (passive[i]) idx.push(i);
    const k = idx.length;
    const a = new Float64Array(k * k);
    const b = new Float64Array(k);
    idx.forEach((i, r) => {
      b[r] = h[i]!;
      idx.forEach((j, c) => (a[r * k + c] = g[i * d + j]! + (r === c ? 1e-12 * (g[i * d + i]! || 1) : 0)));
    });
    const sol = solve(a, b, k);
    const z = new Float64Array(d);
    idx.forEach((i, r) => (z[i] = sol[r]!));
    return z;
  };
  for (let it = 0; it < maxIterations; it++) {
    const w = gradient();
    let best = -1;
    for (let i = 0; i < d; i++) if (!passive[i] && w[i]! > tol && (best < 0 || w[i]! > w[best]!)) best = i;
    if (best < 0) break;
    passive[best] = 1;
    for (let inner = 0; inner < 3 * d + 10; inner++) {
      const z = solvePassive();
      let alpha = Infinity;
      for (let i = 0; i < d; i++) if (passive[i] && z[i]! <= 0) alpha = Math.min(alpha, x[i]! / (x[i]! - z[i]!));
      if (alpha === Infinity) {
        x.set(z);
        break;
      }
      for (let i = 0; i < d; i++) {
        x[i] = x[i]! + alpha * (z[i]! - x[i]!);
        if (passive[i] && x[i]! <= 1e-15) {
          passive[i] = 0;
          x[i] = 0;
        }
      }
    }
  }
  return x;
}

/**
 * Fits the model on documents with exact token counts. Each document's squared error is divided by its token count
 * (a compromise between relative errors, which favour per-document accuracy, and absolute ones, which favour totals).
 * Columns are scaled to unit mean for conditioning; the intercept is one more non-negative column.
 */
export function fitTokenModel(docs: readonly { stats: ArrayLike<number>; tokens: number }[]): TokenModel {
  const d = DOC_STAT_COUNT + 1;
  const scale = new Float64Array(d).fill(0);
  const used = docs.filter((x) => x.tokens > 0);
  for (const doc of used) for (let j = 0; j < DOC_STAT_COUNT; j++) scale[j]! += doc.stats[j]!;
  scale[DOC_STAT_COUNT] = used.length;
  for (let j = 0; j < d; j++) scale[j] = scale[j]! > 0 ? used.length / scale[j]! : 0;
  const g = new Float64Array(d * d);
  const h = new Float64Array(d);
  const row = new Float64Array(d);
  for (const doc of used) {
    for (let j = 0; j < DOC_STAT_COUNT; j++) row[j] = doc.stats[j]! * scale[j]!;
    row[DOC_STAT_COUNT] = scale[DOC_STAT_COUNT]!;
    const w = 1 / doc.tokens;
    for (let i = 0; i < d; i++) {
      if (row[i] === 0) continue;
      h[i]! += w * row[i]! * doc.tokens;
      for (let j = 0; j < d; j++) g[i * d + j]! += w * row[i]! * row[j]!;
    }
  }
  const x = nnls(g, h, d);
  const weights = Array.from({ length: DOC_STAT_COUNT }, (_, j) => x[j]! * scale[j]!);
  return { kind: 'nnls-linear', features: [...DOC_STAT_NAMES], weights, intercept: x[DOC_STAT_COUNT]! * scale[DOC_STAT_COUNT]! };
}

/** A token model read back from a card, checked against the statistics this build computes. */
export function checkTokenModel(model: TokenModel, source: string): TokenModel {
  const same = model.features.length === DOC_STAT_COUNT && model.features.every((f, i) => f === DOC_STAT_NAMES[i]);
  if (!same || model.weights.length !== DOC_STAT_COUNT) {
    throw new Error(
      `${source}: the token model uses statistics [${model.features.join(', ')}], this build computes [${DOC_STAT_NAMES.join(', ')}]: fit again`,
    );
  }
  return model;
}

/**
 * Estimated tokens of a document from its statistics (stats[at .. at + DOC_STAT_COUNT), e.g. one row of a batch's
 * statistics): an integer, at least 1 for any non-empty text, 0 for empty.
 */
export function predictTokens(model: TokenModel, stats: ArrayLike<number>, at = 0): number {
  if (stats[at]! <= 0) return 0;
  let t = model.intercept;
  for (let j = 0; j < DOC_STAT_COUNT; j++) t += model.weights[j]! * stats[at + j]!;
  return Math.max(1, Math.round(t));
}

/** Errors of estimates against exact counts (pairs in the same order). */
export function tokenErrors(estimates: ArrayLike<number>, exact: ArrayLike<number>): TokenErrors {
  let rel = 0;
  let counted = 0;
  let est = 0;
  let actual = 0;
  for (let i = 0; i < exact.length; i++) {
    const e = estimates[i]!;
    const t = exact[i]!;
    est += e;
    actual += t;
    if (t > 0) {
      rel += Math.abs(e - t) / t;
      counted += 1;
    }
  }
  return { n: exact.length, meanAbsRelError: counted > 0 ? rel / counted : 0, totalRelError: actual > 0 ? (est - actual) / actual : 0 };
}
