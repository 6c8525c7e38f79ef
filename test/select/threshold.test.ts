import { describe, expect, it } from 'vitest';
import {
  binOf,
  compareDocOrder,
  docHash,
  fillBoundary,
  findBoundary,
  isSelected,
  KeyHistogram,
  ThresholdError,
  thresholdSchema,
  type BoundaryCandidate,
  type Budget,
  type Threshold,
} from '../../lib/select/index.ts';
import { normal, seededRandom } from './random.ts';

interface Doc {
  id: string;
  item: string;
  row: number;
  key: number | null;
  tokens: number;
  hash: number;
}

const SEED = 7;

/** A random corpus split over items; `style` shapes the keys (ties, continuous, both signs, all in one bin). */
function corpus(seed: number, style: 'continuous' | 'ties' | 'one-bin' | 'wide'): Doc[] {
  const rand = seededRandom(seed);
  const items = Array.from({ length: 2 + Math.floor(rand() * 5) }, (_, i) => `item-${String(i).padStart(4, '0')}`);
  const n = 200 + Math.floor(rand() * 2800);
  const docs: Doc[] = [];
  const rows = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const item = items[Math.floor(rand() * items.length)]!;
    const row = rows.get(item) ?? 0;
    rows.set(item, row + 1);
    let key: number | null;
    if (rand() < 0.05) key = null; // excluded by the policy
    else if (style === 'continuous') key = Math.fround(3 + normal(rand));
    else if (style === 'ties') key = Math.fround(Math.round(normal(rand) * 4) / 4);
    else if (style === 'one-bin') key = Math.fround(1 + rand() * 1e-5);
    else key = Math.fround(normal(rand) * 10 ** Math.floor(rand() * 10 - 5));
    const tokens = rand() < 0.03 ? 0 : 1 + Math.floor(rand() ** 3 * 4000);
    const id = `${item}/doc-${row}`;
    docs.push({ id, item, row, key, tokens, hash: docHash(id, SEED) });
  }
  return docs;
}

/** reduce + select as the pipeline runs them: per-item histograms, merged; boundary candidates; per-doc decisions. */
function runSelection(docs: Doc[], budget: Budget): { threshold: Threshold; selected: Doc[] } {
  const perItem = new Map<string, KeyHistogram>();
  for (const d of docs) {
    if (d.key === null) continue;
    let h = perItem.get(d.item);
    if (!h) perItem.set(d.item, (h = new KeyHistogram()));
    h.add(d.key, d.tokens);
  }
  const merged = new KeyHistogram();
  for (const item of [...perItem.keys()].sort()) merged.merge(KeyHistogram.fromJSON(JSON.parse(JSON.stringify(perItem.get(item)!))));
  const boundary = findBoundary(merged, budget);
  const candidates: BoundaryCandidate[] = [];
  if (boundary.boundaryBin >= 0) {
    for (const d of docs) {
      if (!perItem.get(d.item)?.hasBin(boundary.boundaryBin)) continue;
      if (d.key !== null && binOf(d.key) === boundary.boundaryBin) candidates.push({ hash: d.hash, item: d.item, row: d.row, tokens: d.tokens });
    }
  }
  const threshold = thresholdSchema.parse(JSON.parse(JSON.stringify(fillBoundary(candidates, boundary, budget))));
  const selected = docs.filter((d) => isSelected(d.key, d, threshold));
  return { threshold, selected };
}

/** The brute force: sort every kept document by (bin desc, hash, item, row), take the longest prefix that fits. */
function bruteForce(docs: Doc[], budget: Budget): Set<string> {
  const kept = docs.filter((d) => d.key !== null).map((d) => ({ d, bin: binOf(d.key!) }));
  kept.sort((a, b) => b.bin - a.bin || compareDocOrder(a.d, b.d));
  const out = new Set<string>();
  let used = 0;
  for (const { d } of kept) {
    const c = budget.unit === 'docs' ? 1 : d.tokens;
    if (used + c > budget.amount) break;
    used += c;
    out.add(d.id);
  }
  return out;
}

const cost = (docs: Doc[], unit: Budget['unit']) => (unit === 'docs' ? docs.length : docs.reduce((s, d) => s + d.tokens, 0));

describe('findBoundary + fillBoundary + isSelected', () => {
  const styles = ['continuous', 'ties', 'one-bin', 'wide'] as const;

  it('fills random budgets to within one document, exactly as the brute-force prefix, over many random corpora', () => {
    let trials = 0;
    for (let t = 0; t < 32; t++) {
      const style = styles[t % styles.length]!;
      const docs = corpus(1000 + t, style);
      const kept = docs.filter((d) => d.key !== null);
      const rand = seededRandom(t);
      for (const unit of ['tokens', 'docs'] as const) {
        const total = cost(kept, unit);
        for (const share of [0, rand() * 0.1, rand(), 0.5, 0.999, 1, 1.5]) {
          const budget: Budget = { unit, amount: Math.floor(share * total) };
          const { threshold, selected } = runSelection(docs, budget);
          const used = cost(selected, unit);
          // Never over budget; the selection is exactly what the threshold promised.
          expect(used).toBeLessThanOrEqual(budget.amount);
          expect(threshold.expected).toEqual({ docs: selected.length, tokens: cost(selected, 'tokens') });
          expect(selected.every((d) => d.key !== null)).toBe(true);
          // Identical to the brute-force sort-and-take prefix.
          const brute = bruteForce(docs, budget);
          expect(selected.length).toBe(brute.size);
          expect(selected.filter((d) => !brute.has(d.id))).toEqual([]);
          if (threshold.boundaryBin < 0) {
            expect(selected.length).toBe(kept.length);
          } else {
            // Filled to within one document of the boundary bin.
            const inBin = kept.filter((d) => binOf(d.key!) === threshold.boundaryBin);
            const maxCost = Math.max(...inBin.map((d) => (unit === 'docs' ? 1 : d.tokens)));
            expect(budget.amount - used).toBeLessThan(maxCost);
            // Everything above the boundary bin is in, nothing below.
            const chosen = new Set(selected);
            const misplaced = kept.filter((d) => {
              const b = binOf(d.key!);
              return (b > threshold.boundaryBin && !chosen.has(d)) || (b < threshold.boundaryBin && chosen.has(d));
            });
            expect(misplaced).toEqual([]);
          }
          trials++;
        }
      }
    }
    expect(trials).toBe(32 * 2 * 7);
  });

  it('fills a document budget exactly', () => {
    const docs = corpus(77, 'ties');
    const kept = docs.filter((d) => d.key !== null).length;
    for (const amount of [1, 17, Math.floor(kept / 3), kept - 1]) {
      const { selected, threshold } = runSelection(docs, { unit: 'docs', amount });
      expect(selected.length).toBe(amount);
      expect(threshold.expected.docs).toBe(amount);
    }
  });

  it('stops at the first boundary document that would overflow: a 1050-token budget over 100-token documents takes 10', () => {
    const docs: Doc[] = Array.from({ length: 40 }, (_, i) => {
      const id = `d${i}`;
      return { id, item: 'a', row: i, key: 1, tokens: 100, hash: docHash(id, SEED) };
    });
    const { selected, threshold } = runSelection(docs, { unit: 'tokens', amount: 1050 });
    expect(selected.length).toBe(10);
    expect(threshold.expected).toEqual({ docs: 10, tokens: 1000 });
    expect(threshold.boundaryBin).toBe(binOf(1));
    // The ten are the first ten by hash.
    const firstTen = [...docs].sort(compareDocOrder).slice(0, 10).map((d) => d.id);
    expect(selected.map((d) => d.id).sort()).toEqual(firstTen.sort());
    const tenth = [...docs].sort(compareDocOrder)[9]!;
    expect(threshold.cutoff).toEqual({ hash: tenth.hash, item: 'a', row: tenth.row });
  });

  it('keeps the cut a prefix: an oversized top document blocks smaller ones after it', () => {
    const docs: Doc[] = [
      { id: 'big', item: 'a', row: 0, key: 5, tokens: 1000, hash: 1 },
      { id: 'small', item: 'a', row: 1, key: 2, tokens: 10, hash: 2 },
    ];
    const { selected, threshold } = runSelection(docs, { unit: 'tokens', amount: 500 });
    expect(selected).toEqual([]);
    expect(threshold).toEqual({ boundaryBin: binOf(5), cutoff: null, expected: { docs: 0, tokens: 0 } });
  });

  it('selects everything the policy keeps when the budget exceeds the corpus', () => {
    const docs = corpus(5, 'continuous');
    const { selected, threshold } = runSelection(docs, { unit: 'tokens', amount: 1e12 });
    expect(threshold.boundaryBin).toBe(-1);
    expect(threshold.cutoff).toBeNull();
    expect(selected.length).toBe(docs.filter((d) => d.key !== null).length);
    expect(isSelected(null, docs[0]!, threshold)).toBe(false);
  });

  it('breaks ties in the boundary bin by hash, then item, then row', () => {
    const a = { hash: 5, item: 'item-b', row: 0 };
    expect(compareDocOrder({ hash: 4, item: 'item-z', row: 9 }, a)).toBeLessThan(0);
    expect(compareDocOrder({ hash: 5, item: 'item-a', row: 9 }, a)).toBeLessThan(0);
    expect(compareDocOrder({ hash: 5, item: 'item-b', row: 1 }, a)).toBeGreaterThan(0);
    expect(compareDocOrder({ ...a }, a)).toBe(0);
  });

  it('fillBoundary does not depend on the candidates order and does not modify them', () => {
    const rand = seededRandom(3);
    const cands: BoundaryCandidate[] = Array.from({ length: 300 }, (_, i) => ({
      hash: Math.floor(rand() * 50),
      item: `item-${i % 3}`,
      row: i,
      tokens: 1 + Math.floor(rand() * 100),
    }));
    const boundary = { boundaryBin: 9, above: { docs: 3, tokens: 30 }, remaining: 5000, boundaryTotals: { docs: 300, tokens: 0 } };
    const budget: Budget = { unit: 'tokens', amount: 5030 };
    const snapshot = JSON.stringify(cands);
    const t1 = fillBoundary(cands, boundary, budget);
    expect(JSON.stringify(cands)).toBe(snapshot);
    const shuffled = [...cands].sort(() => 0).reverse();
    expect(fillBoundary(shuffled, boundary, budget)).toEqual(t1);
    expect(t1.expected.tokens).toBeLessThanOrEqual(5030);
  });

  it('refuses boundary candidates that disagree with the histograms, and invalid budgets', () => {
    const h = new KeyHistogram();
    h.add(1, 10);
    h.add(1, 10);
    const boundary = findBoundary(h, { unit: 'tokens', amount: 15 });
    expect(boundary.boundaryTotals).toEqual({ docs: 2, tokens: 20 });
    expect(() => fillBoundary([{ hash: 1, item: 'a', row: 0, tokens: 10 }], boundary, { unit: 'tokens', amount: 15 })).toThrow(
      /holds 2 documents by the histograms but 1 were read back/,
    );
    expect(() => fillBoundary([{ hash: 1, item: 'a', row: 0, tokens: 10 }], findBoundary(h, { unit: 'docs', amount: 9 }), { unit: 'docs', amount: 9 })).toThrow(
      ThresholdError,
    );
    expect(() => findBoundary(h, { unit: 'tokens', amount: -1 })).toThrow(/budget amount/);
    expect(() => findBoundary(h, { unit: 'bytes' as 'tokens', amount: 1 })).toThrow(/budget unit/);
  });

  it('an empty histogram selects nothing', () => {
    const b = findBoundary(new KeyHistogram(), { unit: 'tokens', amount: 100 });
    expect(b).toEqual({ boundaryBin: -1, above: { docs: 0, tokens: 0 }, remaining: 100, boundaryTotals: { docs: 0, tokens: 0 } });
    expect(fillBoundary([], b, { unit: 'tokens', amount: 100 })).toEqual({ boundaryBin: -1, cutoff: null, expected: { docs: 0, tokens: 0 } });
  });
});
