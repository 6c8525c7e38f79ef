import { describe, expect, it } from 'vitest';
import { parseBudgetOption, planBudget, resolveBudget } from '../../lib/job/index.ts';
import { apportion } from '../../lib/pipeline/plan.ts';
import { sliceBounds } from '../../lib/pipeline/reference.ts';

describe('plan', () => {
  it('apportions the sample exactly, proportionally to item bytes', () => {
    const quotas = apportion(100, [10, 20, 30, 40]);
    expect(quotas).toEqual([10, 20, 30, 40]);
    const odd = apportion(10, [1, 1, 1]);
    expect(odd.reduce((a, b) => a + b, 0)).toBe(10);
    expect(odd).toEqual([4, 3, 3]);
    expect(apportion(5, [0, 0])).toEqual([0, 0]);
  });

  it('resolves flops to tokens with D = C / 6N and keeps a fraction for reduce', () => {
    expect(planBudget({ flops: 6e18, modelParams: 1e9 })).toMatchObject({ unit: 'tokens', amount: 1e9 });
    expect(planBudget({ fraction: 0.25 })).toEqual({ form: 'fraction', unit: 'tokens', fraction: 0.25 });
    expect(resolveBudget(planBudget({ fraction: 0.25 }), 1000)).toEqual({ form: 'fraction', unit: 'tokens', amount: 250, fraction: 0.25 });
    expect(resolveBudget(planBudget({ docs: 7 }), 1000)).toEqual({ form: 'docs', unit: 'docs', amount: 7 });
    expect(resolveBudget(planBudget({ flops: 6e18, modelParams: 1e9 }), 1000)).toEqual({ form: 'flops', unit: 'tokens', amount: 1e9, flops: 6e18, modelParams: 1e9 });
  });

  it('parses re-selection budgets and rejects bad ones with the option named', () => {
    expect(parseBudgetOption('fraction=0.2')).toEqual({ form: 'fraction', unit: 'tokens', fraction: 0.2 });
    expect(parseBudgetOption('tokens=5e6')).toEqual({ form: 'tokens', unit: 'tokens', amount: 5e6 });
    expect(() => parseBudgetOption('fraction=3')).toThrow(/--budget "fraction=3"/);
    expect(() => parseBudgetOption('bytes=3')).toThrow(/expected tokens=N/);
  });

  it('cuts the reference sample into contiguous slices that cover it exactly once', () => {
    for (const [n, count] of [[10, 3], [2000, 7], [5, 8]] as const) {
      let next = 0;
      for (let i = 0; i < count; i++) {
        const { start, end } = sliceBounds(n, i, count);
        expect(start).toBe(next);
        next = end;
      }
      expect(next).toBe(n);
    }
  });
});
