import { describe, expect, it } from 'vitest';
import { policySchema, type PolicySpec } from '../../lib/job/spec.ts';
import {
  binOf,
  compareDocOrder,
  docHash,
  isSelected,
  KeyHistogram,
  makePolicy,
  planThreshold,
  thresholdSchema,
  type BoundaryCandidate,
  type Budget,
  type PolicyDoc,
  type Threshold,
} from '../../lib/select/index.ts';
import { normal, seededRandom } from './random.ts';

const SEED = 1;
const spec = (raw: Record<string, unknown>): PolicySpec => policySchema.parse(raw);

interface Doc extends PolicyDoc {
  item: string;
  row: number;
  tokens: number;
  hash: number;
}

function makeDoc(i: number, score: number, tokens = 1, over: Partial<PolicyDoc> = {}): Doc {
  const id = `d${i}`;
  return { id, item: `item-${i % 3}`, row: i, score, std: 0, chars: 100, words: 20, tokens, hash: docHash(id, SEED), ...over };
}

/** reduce + select as the pipeline runs them: per-item histograms merged, planThreshold, a JSON round trip, isSelected. */
async function select(docs: Doc[], policySpec: PolicySpec, budget: Budget): Promise<{ threshold: Threshold; selected: Doc[] }> {
  const policy = makePolicy(policySpec, { seed: SEED, scoreQuantiles: [] });
  const perItem = new Map<string, KeyHistogram>();
  for (const d of docs) {
    const key = policy.key(d);
    if (key === null) continue;
    if (!perItem.has(d.item)) perItem.set(d.item, new KeyHistogram());
    perItem.get(d.item)!.add(key, d.tokens);
  }
  const merged = new KeyHistogram();
  for (const item of [...perItem.keys()].sort()) merged.merge(KeyHistogram.fromJSON(JSON.parse(JSON.stringify(perItem.get(item)!))));
  const readBin = async (bin: number): Promise<BoundaryCandidate[]> =>
    docs.filter((d) => policy.key(d) !== null && binOf(policy.key(d)!) === bin).map((d) => ({ hash: d.hash, item: d.item, row: d.row, tokens: d.tokens }));
  const planned = await planThreshold(merged, budget, policy, readBin);
  const threshold = thresholdSchema.parse(JSON.parse(JSON.stringify(planned)));
  return { threshold, selected: docs.filter((d) => isSelected(policy.key(d), d, threshold)) };
}

/**
 * The definition, by brute force: every kept document in the key order (bin from the highest down, then hash, item,
 * row); the band is the longest run from the bottom holding at most multiple x budget; the selection is the longest
 * run from the band's top that fits the budget.
 */
function definition(docs: Doc[], policySpec: PolicySpec & { multiple: number }, budget: Budget): Set<string> {
  const policy = makePolicy(policySpec, { seed: SEED, scoreQuantiles: [] });
  const cost = (d: Doc) => (budget.unit === 'docs' ? 1 : d.tokens);
  const order = docs
    .filter((d) => policy.key(d) !== null)
    .sort((a, b) => binOf(policy.key(b)!) - binOf(policy.key(a)!) || compareDocOrder(a, b));
  let bandStart = order.length;
  let band = 0;
  while (bandStart > 0 && band + cost(order[bandStart - 1]!) <= policySpec.multiple * budget.amount) band += cost(order[--bandStart]!);
  const out = new Set<string>();
  let used = 0;
  for (let i = bandStart; i < order.length; i++) {
    if (used + cost(order[i]!) > budget.amount) break;
    used += cost(order[i]!);
    out.add(order[i]!.id);
  }
  return out;
}

describe('budget-band policy', () => {
  it('keys documents like top (score - lambda * std) and defaults to a multiple of 4', () => {
    const p = makePolicy(spec({ kind: 'budget-band', lambda: 2 }), { seed: SEED, scoreQuantiles: [] });
    expect(p.budgetMultiple).toBe(4);
    expect(p.key(makeDoc(0, 1.5, 1, { std: 0.25 }))).toBe(1);
    expect(makePolicy(spec({ kind: 'budget-band', multiple: 5 }), { seed: SEED, scoreQuantiles: [] }).budgetMultiple).toBe(5);
    expect(() => policySchema.parse({ kind: 'budget-band', multiple: 0.5 })).toThrow();
  });

  it('selects the highest of the lowest multiple x budget: scores 0..99, 10 documents, multiple 3 -> scores 20..29', async () => {
    const docs = Array.from({ length: 100 }, (_, i) => makeDoc(i, (i * 37) % 100));
    const { threshold, selected } = await select(docs, spec({ kind: 'budget-band', multiple: 3 }), { unit: 'docs', amount: 10 });
    expect(selected.map((d) => d.score).sort((a, b) => a - b)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(threshold.exclude!.excluded).toEqual({ docs: 70, tokens: 70 });
    expect(threshold.expected).toEqual({ docs: 10, tokens: 10 });
  });

  it('counts the band in tokens: a 40-token budget, multiple 2, keeps the lowest 80 tokens and takes the top 40 of them', async () => {
    // Lengths chosen so that both cuts fall between documents.
    const tokens = [10, 10, 20, 20, 20, 30, 30, 40, 40, 50]; // score k+1 has tokens[k]; 270 in all
    const docs = tokens.map((t, k) => makeDoc(k, k + 1, t));
    const { selected, threshold } = await select(docs, spec({ kind: 'budget-band', multiple: 2 }), { unit: 'tokens', amount: 40 });
    // From the bottom: 10 + 10 + 20 + 20 + 20 = 80 tokens (scores 1..5); from their top: score 5 (20) + 4 (20) = 40.
    expect(selected.map((d) => d.score).sort()).toEqual([4, 5]);
    expect(threshold.exclude!.excluded.tokens).toBe(190);
  });

  it('is top when multiple x budget covers everything the policy keeps, and honours the filters first', async () => {
    const docs = Array.from({ length: 20 }, (_, i) => makeDoc(i, i, 1, { words: i % 2 === 0 ? 5 : 50 }));
    const all = await select(docs, spec({ kind: 'budget-band', multiple: 4 }), { unit: 'docs', amount: 5 });
    expect(all.threshold.exclude).toBeUndefined();
    expect(all.selected.map((d) => d.score).sort((a, b) => a - b)).toEqual([15, 16, 17, 18, 19]);
    // Only odd scores pass minWords 10: 10 kept, band = lowest 2 x 3 = 6 of them (1..11), top 3 of those: 7, 9, 11.
    const filtered = await select(docs, spec({ kind: 'budget-band', multiple: 2, filters: { minWords: 10 } }), { unit: 'docs', amount: 3 });
    expect(filtered.selected.map((d) => d.score).sort((a, b) => a - b)).toEqual([7, 9, 11]);
  });

  it('cuts ties exactly and deterministically: all documents in one key bin', async () => {
    const docs = Array.from({ length: 60 }, (_, i) => makeDoc(i, 2));
    const s = spec({ kind: 'budget-band', multiple: 3 });
    const a = await select(docs, s, { unit: 'docs', amount: 7 });
    expect(a.selected).toHaveLength(7);
    expect(a.threshold.exclude!.excluded.docs).toBe(39);
    expect(new Set(a.selected.map((d) => d.id))).toEqual(definition(docs, s as PolicySpec & { multiple: number }, { unit: 'docs', amount: 7 }));
    const b = await select([...docs].reverse(), s, { unit: 'docs', amount: 7 });
    expect(b.selected.map((d) => d.id).sort()).toEqual(a.selected.map((d) => d.id).sort());
  });

  it('selects exactly what its definition says on random corpora (ties, wide keys, token-weighted)', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rand = seededRandom(seed);
      const n = 100 + Math.floor(rand() * 900);
      const ties = seed % 3 === 0;
      const docs = Array.from({ length: n }, (_, i) =>
        makeDoc(i, ties ? Math.round(normal(rand) * 2) / 2 : 3 + normal(rand), rand() < 0.03 ? 0 : 1 + Math.floor(rand() ** 3 * 3000)),
      );
      const total = docs.reduce((a, d) => a + d.tokens, 0);
      const multiple = 1 + Math.floor(rand() * 5);
      const s = spec({ kind: 'budget-band', multiple }) as PolicySpec & { multiple: number };
      const budget: Budget = seed % 4 === 0 ? { unit: 'docs', amount: Math.floor(n * 0.1) } : { unit: 'tokens', amount: Math.floor(total * (0.02 + rand() * 0.3)) };
      const { selected, threshold } = await select(docs, s, budget);
      expect(new Set(selected.map((d) => d.id)), `seed ${seed}`).toEqual(definition(docs, s, budget));
      const cost = selected.reduce((a, d) => a + (budget.unit === 'docs' ? 1 : d.tokens), 0);
      expect(cost).toBeLessThanOrEqual(budget.amount);
      expect(threshold.expected.docs).toBe(selected.length);
    }
  });
});
