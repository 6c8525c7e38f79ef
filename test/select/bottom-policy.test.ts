import { describe, expect, it } from 'vitest';
import { policySchema, type PolicySpec } from '../../lib/job/spec.ts';
import { fillBoundary, findBoundary, isSelected, KeyHistogram, makePolicy, binOf, docHash, type PolicyDoc } from '../../lib/select/index.ts';

const spec = (raw: Record<string, unknown>): PolicySpec => policySchema.parse(raw);
const doc = (over: Partial<PolicyDoc> = {}): PolicyDoc => ({ id: 'd', score: 1, std: 0, chars: 100, words: 20, ...over });
const opts = { seed: 1, scoreQuantiles: [] as number[] };

describe('bottom policy', () => {
  it('ranks the lowest predicted loss first', () => {
    const p = makePolicy(spec({ kind: 'bottom' }), opts);
    expect(p.kind).toBe('bottom');
    expect(p.key(doc({ score: 2 }))!).toBeGreaterThan(p.key(doc({ score: 5 }))!);
    expect(p.key(doc({ score: 2.5 }))).toBe(-2.5);
  });

  it('counts an uncertain prediction as a higher loss: key = -(score + lambda * std)', () => {
    const p = makePolicy(spec({ kind: 'bottom', lambda: 2 }), opts);
    expect(p.key(doc({ score: 1, std: 0.25 }))).toBe(-1.5);
    // Equal means: the more certain document comes first.
    expect(p.key(doc({ score: 3, std: 0.1 }))!).toBeGreaterThan(p.key(doc({ score: 3, std: 0.5 }))!);
  });

  it('applies the length filters first', () => {
    const p = makePolicy(spec({ kind: 'bottom', filters: { minWords: 10 } }), opts);
    expect(p.key(doc({ words: 9, score: -100 }))).toBeNull();
    expect(p.key(doc({ words: 10 }))).not.toBeNull();
  });

  it('with a budget, selects exactly the lowest-loss documents that fill it', () => {
    const docs = Array.from({ length: 200 }, (_, i) => doc({ id: `d${i}`, score: ((i * 37) % 200) / 10 }));
    const p = makePolicy(spec({ kind: 'bottom' }), opts);
    const hist = new KeyHistogram();
    for (const d of docs) hist.add(p.key(d)!, 1);
    const budget = { unit: 'docs' as const, amount: 50 };
    const boundary = findBoundary(hist, budget);
    const candidates = docs
      .filter((d) => binOf(p.key(d)!) === boundary.boundaryBin)
      .map((d) => ({ hash: docHash(d.id, 1), item: 'a', row: Number(d.id.slice(1)), tokens: 1 }));
    const t = fillBoundary(candidates, boundary, budget);
    const chosen = docs.filter((d) => isSelected(p.key(d), { hash: docHash(d.id, 1), item: 'a', row: Number(d.id.slice(1)) }, t));
    expect(chosen).toHaveLength(50);
    expect(Math.max(...chosen.map((d) => d.score))).toBeLessThan(Math.min(...docs.filter((d) => !chosen.includes(d)).map((d) => d.score)));
  });
});
