import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, r2, spearman, spreadCalibration, spreadCalibrationSchema, topKAgreement } from '../../lib/proxy/index.ts';

describe('fidelity metrics', () => {
  it('averages the ranks of ties', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it('spearman handles ties and monotone transforms', () => {
    expect(spearman([1, 2, 3, 4], [10, 100, 1000, 10000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks a = [1, 2.5, 2.5, 4], b = [1, 2, 3, 4]: Pearson of those = 0.9486832980505138
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
  });

  it('pearson matches a hand computation and is 0 for a constant side', () => {
    // a = [1,2,3], b = [1,3,2]: cov = 0.5*... r = 0.5
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });

  it('r2 is 1 for a perfect fit, 0 for predicting the mean and negative for worse', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([2, 2, 2], [1, 2, 3])).toBe(0);
    expect(r2([3, 2, 1], [1, 2, 3])).toBeCloseTo(-3, 12);
  });

  it('topKAgreement counts the overlap of the top shares', () => {
    const truth = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(topKAgreement(truth, truth, 0.3)).toBe(1);
    expect(topKAgreement([10, 1, 8, 7, 6, 5, 4, 3, 2, 9], truth, 0.3)).toBeCloseTo(2 / 3, 12);
    expect(topKAgreement([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], truth, 0.2)).toBe(0);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => spearman([1, 2], [1])).toThrow(/differ in length/);
  });

  it('spread calibration bins by std quintile and correlates std with error', () => {
    const std = Array.from({ length: 10 }, (_, i) => i);
    const err = std.map((s) => s * 2);
    const cal = spreadCalibration(std, err);
    expect(spreadCalibrationSchema.parse(cal)).toEqual(cal);
    expect(cal.spearmanStdVsAbsError).toBeCloseTo(1, 12);
    expect(cal.binned.map((b) => b.n)).toEqual([2, 2, 2, 2, 2]);
    expect(cal.binned[0]).toEqual({ meanStd: 0.5, meanAbsError: 1, n: 2 });
    expect(cal.binned[4]).toEqual({ meanStd: 8.5, meanAbsError: 17, n: 2 });
  });
});
