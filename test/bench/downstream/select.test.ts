import { describe, expect, it } from 'vitest';
import { downstreamScore, oracleSelect, packSelection, quantile } from '../../../bench/lib/downstream/select.ts';

const loss = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const tokens = loss.map(() => 10);
const picked = (flags: boolean[]) => flags.flatMap((f, i) => (f ? [loss[i]] : []));

describe('downstream score', () => {
  it('is 0 at the mean random gain and 1 at the best oracle gain', () => {
    expect(downstreamScore(0.02, 0.02, 0.06)).toBe(0);
    expect(downstreamScore(0.06, 0.02, 0.06)).toBe(1);
    expect(downstreamScore(0.04, 0.02, 0.06)).toBeCloseTo(0.5);
    expect(downstreamScore(0.01, 0.02, 0.06)).toBeCloseTo(-0.25);
  });

  it('is undefined (NaN) when the best oracle does not beat random', () => {
    expect(downstreamScore(0.03, 0.05, 0.04)).toBeNaN();
  });
});

describe('oracle selections', () => {
  it('top and bottom take the highest and lowest losses within the budget', () => {
    expect(picked(oracleSelect(loss, tokens, { kind: 'top' }, 30))).toEqual([8, 9, 10]);
    expect(picked(oracleSelect(loss, tokens, { kind: 'bottom' }, 30))).toEqual([1, 2, 3]);
  });

  it('band drops the top quantile first', () => {
    expect(quantile(loss, 0.8)).toBeCloseTo(8.2);
    expect(picked(oracleSelect(loss, tokens, { kind: 'band', dropTopQuantile: 0.2 }, 30))).toEqual([6, 7, 8]);
  });

  it('budget-band takes the highest among the lowest m x budget tokens', () => {
    expect(picked(oracleSelect(loss, tokens, { kind: 'budget-band', multiple: 2 }, 20))).toEqual([3, 4]);
  });
});

describe('packing', () => {
  it('fills exactly the budget from the selected documents and reports what they hold', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const docs = [[1, 2, 3], [4, 5, 6, 7], [8, 9], [10]];
    const p = packSelection([true, true, false, true], ids, (i) => docs[i]!, 6, 1);
    expect(p.ids.length).toBe(6);
    expect(p.selectedTokens).toBe(8);
    expect([...p.ids].every((t) => t !== 8 && t !== 9)).toBe(true);
    expect([...p.usedTokens.values()].reduce((a, b) => a + b, 0)).toBe(6);
  });

  it('trains on fewer tokens only when the selection holds fewer than the budget', () => {
    const p = packSelection([true, false], ['a', 'b'], (i) => [[1, 2], [3]][i]!, 10, 1);
    expect([...p.ids]).toEqual([1, 2]);
  });
});
