import { z } from 'zod';

/** Ranks 1..n of `values`, ties getting the average of their ranks. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!] = r;
    i = j + 1;
  }
  return ranks;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>, fn: string): void {
  if (a.length !== b.length) throw new RangeError(`${fn}: arrays differ in length (${a.length} vs ${b.length})`);
}

/** Pearson correlation; 0 when either side is constant or there are fewer than 2 values. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLengths(a, b, 'pearson');
  const n = a.length;
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return 0;
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman rank correlation (Pearson of average ranks, so ties are handled). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLengths(a, b, 'spearman');
  return pearson(averageRanks(a), averageRanks(b));
}

/** Coefficient of determination of `pred` for `truth`: 1 - SSres/SStot (0 when truth is constant). */
export function r2(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkLengths(pred, truth, 'r2');
  const n = truth.length;
  if (n === 0) return 0;
  let m = 0;
  for (let i = 0; i < n; i++) m += truth[i]!;
  m /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (truth[i]! - pred[i]!) ** 2;
    tot += (truth[i]! - m) ** 2;
  }
  return tot === 0 ? 0 : 1 - res / tot;
}

function topIndices(values: ArrayLike<number>, k: number): Set<number> {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  return new Set(order.slice(0, k));
}

/**
 * Share of the truth's top `fraction` of documents (highest values) that are also in the prediction's top
 * `fraction`; k = max(1, round(fraction * n)); ties are broken by position.
 */
export function topKAgreement(pred: ArrayLike<number>, truth: ArrayLike<number>, fraction: number): number {
  checkLengths(pred, truth, 'topKAgreement');
  const n = pred.length;
  if (n === 0) return 0;
  const k = Math.min(n, Math.max(1, Math.round(fraction * n)));
  const a = topIndices(pred, k);
  let both = 0;
  for (const i of topIndices(truth, k)) if (a.has(i)) both++;
  return both / k;
}

/** How well the ensemble's spread predicts its absolute error (proxy/card.json `spreadCalibration`). */
/** How well the proxy's predictions match the reference on the held-out split (the card's and the manifest's). */
export const fidelitySchema = z.object({
  spearman: z.number(),
  pearson: z.number(),
  r2: z.number(),
  topKAgreement: z.number(),
  topKFraction: z.number(),
});

export const spreadCalibrationSchema = z
  .object({
    /** Spearman correlation of member std with |mean - target|. */
    spearmanStdVsAbsError: z.number(),
    /** Quantile bins of std (up to 5, ascending): mean std, mean absolute error and count per bin. */
    binned: z.array(z.object({ meanStd: z.number(), meanAbsError: z.number(), n: z.number().int().nonnegative() })),
  })
  .strict();
export type SpreadCalibration = z.output<typeof spreadCalibrationSchema>;

/** Spread calibration: rank correlation of std with absolute error, and mean error per std quintile. */
export function spreadCalibration(std: ArrayLike<number>, absError: ArrayLike<number>, bins = 5): SpreadCalibration {
  checkLengths(std, absError, 'spreadCalibration');
  const n = std.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => std[a]! - std[b]! || a - b);
  const binned: SpreadCalibration['binned'] = [];
  const nb = Math.min(bins, n);
  for (let b = 0; b < nb; b++) {
    const lo = Math.floor((b * n) / nb);
    const hi = Math.floor(((b + 1) * n) / nb);
    let s = 0;
    let e = 0;
    for (let t = lo; t < hi; t++) {
      s += std[order[t]!]!;
      e += absError[order[t]!]!;
    }
    const cnt = hi - lo;
    binned.push({ meanStd: cnt ? s / cnt : 0, meanAbsError: cnt ? e / cnt : 0, n: cnt });
  }
  return { spearmanStdVsAbsError: spearman(std, absError), binned };
}

/** The learning curve as proxy/card.json and manifest.json store it. */
export const learningCurveSchema = z.object({
  points: z.array(z.object({ fraction: z.number(), labels: z.number().int(), spearman: z.number() })),
  lastDoublingGain: z.number(),
  moreLabelsHelp: z.boolean(),
});
