import { describe, expect, it } from 'vitest';
import { extent, scatterPlot } from '../../lib/report/svg.ts';

describe('chart ranges over a large corpus', () => {
  it('finds the least and greatest of a million values without spreading them into arguments (which overflows the stack)', () => {
    const values = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i) * (i % 1000));
    expect(() => Math.min(...values)).toThrow(RangeError);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(extent(values)).toEqual([lo, hi]);
    expect(extent([])).toEqual([0, 1]);
  });

  it('draws a scatter plot of 300,000 points', () => {
    const points = Array.from({ length: 300_000 }, (_, i) => ({ x: i, y: (i * 7919) % 1000 }));
    const svg = scatterPlot({ name: 'big', points, title: 't', xLabel: 'x', yLabel: 'y' });
    expect(svg).toContain('<svg');
  });
});
