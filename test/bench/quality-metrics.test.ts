import { describe, expect, it } from 'vitest';
import {
  composition,
  prefixShare,
  randomSelection,
  selectByKeys,
  selectedTokens,
  tokenOverlap,
  type KeyedDoc,
} from '../../bench/lib/quality-metrics.ts';
import { markdownTable, pct } from '../../bench/lib/quality-report.ts';
import { makePolicy, toKey } from '../../lib/select/index.ts';
import { policySchema } from '../../lib/job/spec.ts';
import { mulberry32 } from '../../lib/seeded-random.ts';

/** Documents d0..d(n-1) in two items, key = the given value, tokens as given. */
function keyed(keys: (number | null)[], tokens: number[]): KeyedDoc[] {
  return keys.map((key, i) => ({ id: `d${i}`, item: i % 2 === 0 ? 'a' : 'b', row: Math.floor(i / 2), tokens: tokens[i]!, key }));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
const rng = mulberry32;

describe('selectByKeys', () => {
  it('takes the highest keys first until the token budget is spent', () => {
    const docs = keyed([5, 1, 4, 2, 3], [10, 10, 10, 10, 10]);
    expect(selectByKeys(docs, { unit: 'tokens', amount: 30 }, 1)).toEqual([true, false, true, false, true]);
  });

  it('never selects an excluded (null-key) document, even when the budget would allow it', () => {
    const docs = keyed([null, 1, null, 2], [10, 10, 10, 10]);
    expect(selectByKeys(docs, { unit: 'tokens', amount: 1000 }, 1)).toEqual([false, true, false, true]);
  });

  it('fills the budget to within one document on all-equal keys (adversarial ties)', () => {
    const r = rng(3);
    const tokens = Array.from({ length: 500 }, () => 1 + Math.floor(r() * 200));
    const docs = keyed(tokens.map(() => 1.5), tokens);
    const budget = 20_000;
    const sel = selectByKeys(docs, { unit: 'tokens', amount: budget }, 9);
    const got = selectedTokens(sel, tokens);
    expect(got).toBeLessThanOrEqual(budget);
    expect(budget - got).toBeLessThan(Math.max(...tokens));
    // Ties are broken by the seeded hash order: another seed picks other documents.
    expect(selectByKeys(docs, { unit: 'tokens', amount: budget }, 10)).not.toEqual(sel);
  });

  it('with a document budget counts documents, not tokens', () => {
    const docs = keyed([3, 2, 1], [1000, 1, 1]);
    expect(selectByKeys(docs, { unit: 'docs', amount: 2 }, 1)).toEqual([true, true, false]);
  });

  it('agrees with the band policy it is fed: the oracle side of the benchmark drops the tail, then takes the highest', () => {
    const losses = Array.from({ length: 1001 }, (_, i) => i / 100); // 0 .. 10
    const quantiles = losses; // 1001 entries: quantile q is 10 q
    const policy = makePolicy(policySchema.parse({ kind: 'band', dropTopQuantile: 0.1 }), { seed: 1, scoreQuantiles: quantiles });
    const docs = losses.map((l, i) => ({ id: `d${i}`, item: 'a', row: i, tokens: 1, key: policy.key({ id: `d${i}`, score: l, std: 0, chars: 10, words: 2 }) }));
    const sel = selectByKeys(docs, { unit: 'tokens', amount: 100 }, 1);
    const chosen = losses.filter((_, i) => sel[i]);
    expect(chosen).toHaveLength(100);
    expect(Math.max(...chosen)).toBeCloseTo(9, 10); // the 0.9 quantile, inclusive
    expect(Math.min(...chosen)).toBeCloseTo(8.01, 10);
    expect(toKey(9)).toBe(policy.key({ id: 'x', score: 9, std: 0, chars: 10, words: 2 }));
  });
});

describe('tokenOverlap', () => {
  const tokens = [10, 20, 30, 40];

  it('is the share of the reference selection\'s tokens that the candidate also holds', () => {
    expect(tokenOverlap([true, true, false, false], [true, false, true, false], tokens)).toBeCloseTo(10 / 30, 12);
    expect(tokenOverlap([true, true, true, true], [false, false, false, true], tokens)).toBeCloseTo(0.4, 12);
  });

  it('is 1 for identical selections, 0 for disjoint ones and 0 when the reference is empty', () => {
    expect(tokenOverlap([true, false, true, false], [true, false, true, false], tokens)).toBe(1);
    expect(tokenOverlap([true, false, true, false], [false, true, false, true], tokens)).toBe(0);
    expect(tokenOverlap([false, false, false, false], [true, true, true, true], tokens)).toBe(0);
  });

  it('rejects selections of different lengths', () => {
    expect(() => tokenOverlap([true], [true, false], [1, 2])).toThrow(/differ in length/);
  });
});

describe('composition and prefixShare', () => {
  const categories = ['prose', 'junk-a', 'junk-b', 'prose'];
  const all = ['prose', 'email', 'junk-a', 'junk-b'];

  it('gives token shares per category over the selected documents, summing to 1, with absent categories at 0', () => {
    const c = composition([true, true, false, true], [10, 30, 50, 60], categories, all);
    expect(c).toEqual({ prose: 70 / 100, email: 0, 'junk-a': 30 / 100, 'junk-b': 0 });
    expect(Object.values(c).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('is all zeros for an empty selection', () => {
    expect(composition([false, false, false, false], [1, 1, 1, 1], categories, all)).toEqual({ prose: 0, email: 0, 'junk-a': 0, 'junk-b': 0 });
  });

  it('sums the shares of the junk- categories only', () => {
    expect(prefixShare({ prose: 0.5, 'junk-a': 0.2, 'junk-b': 0.1, 'near-junk': 0.2 })).toBeCloseTo(0.3, 12);
    expect(prefixShare({ 'email-ham': 0.4, 'email-spam': 0.6 }, 'email-')).toBeCloseTo(1, 12);
  });
});

describe('randomSelection', () => {
  const n = 4000;
  const r = rng(11);
  const ids = Array.from({ length: n }, (_, i) => `doc-${i}`);
  const tokens = Array.from({ length: n }, () => 50 + Math.floor(r() * 950));
  const total = tokens.reduce((a, b) => a + b, 0);

  it('selects at most the budget and misses it by less than one document', () => {
    const budget = Math.round(total * 0.25);
    const got = selectedTokens(randomSelection(ids, tokens, budget, 5), tokens);
    expect(got).toBeLessThanOrEqual(budget);
    expect(budget - got).toBeLessThan(1000);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const budget = Math.round(total * 0.25);
    expect(randomSelection(ids, tokens, budget, 5)).toEqual(randomSelection(ids, tokens, budget, 5));
    expect(tokenOverlap(randomSelection(ids, tokens, budget, 5), randomSelection(ids, tokens, budget, 6), tokens)).toBeLessThan(0.5);
  });

  it('is unbiased: a category holding 30% of the tokens holds about 30% of the random selection', () => {
    const categories = ids.map((_, i) => (i % 10 < 3 ? 'junk-x' : 'prose'));
    const budget = Math.round(total * 0.25);
    const share = prefixShare(composition(randomSelection(ids, tokens, budget, 5), tokens, categories, ['prose', 'junk-x']));
    const corpusShare = prefixShare(composition(ids.map(() => true), tokens, categories, ['prose', 'junk-x']));
    expect(Math.abs(share - corpusShare)).toBeLessThan(0.04);
  });

  it('selects nothing with a zero budget and everything with the whole corpus', () => {
    expect(randomSelection(ids, tokens, 0, 1).some(Boolean)).toBe(false);
    expect(randomSelection(ids, tokens, total, 1).every(Boolean)).toBe(true);
  });
});

describe('report helpers', () => {
  it('renders a markdown table with the first column left-aligned', () => {
    expect(markdownTable(['a', 'b'], [['x', '1']])).toBe('| a | b |\n| :-- | --: |\n| x | 1 |');
  });

  it('formats shares as percentages', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(0.25, 0)).toBe('25%');
  });
});
