import { fitProxy } from './train.ts';
import type { FitProxyOptions, FitProxyResult, ProxyExample } from './types.ts';

/** Shares of the training labels the learning curve fits on (the last is the proxy itself). */
export const LEARNING_CURVE_FRACTIONS = [0.25, 0.5, 1] as const;

/**
 * A doubling of the labels that raises held-out Spearman by more than this still helps. Below it the curve is flat:
 * with a few hundred held-out documents a Spearman moves by about 0.01 between resamples.
 */
export const MIN_USEFUL_GAIN = 0.01;

/** One point of the learning curve: the proxy fitted on `labels` of the training labels, scored on the same held-out split. */
export interface LearningCurvePoint {
  fraction: number;
  labels: number;
  spearman: number;
}

/** How the proxy's fidelity grows with the labels: is the sample (and so the reference pass) large enough? */
export interface LearningCurve {
  points: LearningCurvePoint[];
  /** Held-out Spearman at 100% of the labels minus at 50%: what the last doubling gained. */
  lastDoublingGain: number;
  /** True when the last doubling gained more than MIN_USEFUL_GAIN: a larger sample would likely raise fidelity further. */
  moreLabelsHelp: boolean;
}

/**
 * The fidelity learning curve: the proxy re-fitted on nested, seeded 25% and 50% shares of its training labels (same
 * options, same held-out split), and the full fit, each scored by held-out Spearman.
 *
 * @param full the proxy fitted on every training label (its fidelity is the last point)
 */
export function learningCurve(examples: readonly ProxyExample[], opts: FitProxyOptions, full: FitProxyResult): LearningCurve {
  const trainLabels = examples.length - full.fidelity.n;
  const points: LearningCurvePoint[] = LEARNING_CURVE_FRACTIONS.map((fraction) => {
    if (fraction === 1) return { fraction, labels: trainLabels, spearman: full.fidelity.spearman };
    const part = fitProxy(examples, { ...opts, trainFraction: fraction, deployOn: 'split' });
    return { fraction, labels: part.trainLabels, spearman: part.fidelity.spearman };
  });
  const gain = points[points.length - 1]!.spearman - points[points.length - 2]!.spearman;
  return { points, lastDoublingGain: gain, moreLabelsHelp: gain > MIN_USEFUL_GAIN };
}

/** One sentence on what the curve says, for the log and the report. */
export function describeLearningCurve(curve: LearningCurve): string {
  const gain = curve.lastDoublingGain;
  const last = curve.points[curve.points.length - 1]!;
  return curve.moreLabelsHelp
    ? `more labels would still help: doubling them from ${curve.points[curve.points.length - 2]!.labels} to ${last.labels} raised held-out Spearman by ${gain.toFixed(3)}; a larger sample (sample.docs) would likely raise it further`
    : `more labels would add little: doubling them to ${last.labels} changed held-out Spearman by ${gain.toFixed(3)} (at most ${MIN_USEFUL_GAIN})`;
}
