import { describe, expect, it } from 'vitest';
import { policySchema, type PolicySpec } from '../../lib/job/spec.ts';
import {
  FLOAT32_MAX,
  makePolicy,
  NonFiniteScoreError,
  PolicyConfigError,
  quantileOf,
  type PolicyDoc,
} from '../../lib/select/index.ts';
import { normal, seededRandom } from './random.ts';

const spec = (raw: Record<string, unknown>): PolicySpec => policySchema.parse(raw);
const doc = (over: Partial<PolicyDoc> = {}): PolicyDoc => ({ id: 'd', score: 1, std: 0, chars: 100, words: 20, ...over });

/** The 1001-entry quantile table the proxy card stores (0, 0.001, ..., 1), from raw predictions. */
function quantileTable(scores: number[]): number[] {
  const s = [...scores].sort((a, b) => a - b);
  return Array.from({ length: 1001 }, (_, i) => {
    const pos = (i / 1000) * (s.length - 1);
    const lo = Math.floor(pos);
    return lo >= s.length - 1 ? s[s.length - 1]! : s[lo]! + (pos - lo) * (s[lo + 1]! - s[lo]!);
  });
}

function population(n: number, seed: number): PolicyDoc[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => doc({ id: `doc-${i}`, score: 3 + normal(rand), std: rand() * 0.5 }));
}

/** Ids of the k documents with the highest keys (excluded documents never count). */
function topK(docs: PolicyDoc[], key: (d: PolicyDoc) => number | null, k: number): Set<string> {
  return new Set(
    docs
      .map((d) => ({ id: d.id, k: key(d) }))
      .filter((x): x is { id: string; k: number } => x.k !== null)
      .sort((a, b) => b.k - a.k)
      .slice(0, k)
      .map((x) => x.id),
  );
}

const opts = { seed: 1, scoreQuantiles: [] as number[] };

describe('top and reducible policies', () => {
  it('key the prediction minus lambda times the spread, as float32', () => {
    for (const kind of ['top', 'reducible'] as const) {
      const p = makePolicy(spec({ kind, lambda: 2 }), opts);
      expect(p.kind).toBe(kind);
      expect(p.key(doc({ score: 3.3, std: 0.1 }))).toBe(Math.fround(3.3 - 0.2));
      // The spread penalty can reorder: a confident 3.0 beats an uncertain 3.3.
      expect(p.key(doc({ score: 3.0, std: 0 }))!).toBeGreaterThan(p.key(doc({ score: 3.3, std: 0.5 }))!);
    }
    const plain = makePolicy(spec({ kind: 'top' }), opts);
    expect(plain.key(doc({ score: -2.5, std: 9 }))).toBe(-2.5);
    // Without a penalty the spread is not read, even if it is not finite.
    expect(plain.key(doc({ score: 1, std: Number.NaN }))).toBe(1);
  });

  it('exclude documents outside the length filters (bounds inclusive)', () => {
    const p = makePolicy(spec({ kind: 'top', filters: { minChars: 10, maxChars: 1000, minWords: 3, maxWords: 100 } }), opts);
    expect(p.key(doc({ chars: 10, words: 3 }))).toBe(1);
    expect(p.key(doc({ chars: 1000, words: 100 }))).toBe(1);
    expect(p.key(doc({ chars: 9 }))).toBeNull();
    expect(p.key(doc({ chars: 1001 }))).toBeNull();
    expect(p.key(doc({ words: 2 }))).toBeNull();
    expect(p.key(doc({ words: 101 }))).toBeNull();
  });

  it('clamp huge predictions to finite float32 keys and map -0 to +0', () => {
    const p = makePolicy(spec({ kind: 'top' }), opts);
    expect(p.key(doc({ score: 1e300 }))).toBe(FLOAT32_MAX);
    expect(p.key(doc({ score: -1e300 }))).toBe(-FLOAT32_MAX);
    expect(Object.is(p.key(doc({ score: -0 })), 0)).toBe(true);
    const k = p.key(doc({ score: 0.1 }))!;
    expect(Math.fround(k)).toBe(k);
  });

  it('throw a named error on a non-finite prediction', () => {
    const p = makePolicy(spec({ kind: 'top', lambda: 1 }), opts);
    expect(() => p.key(doc({ id: 'bad-doc', score: Number.NaN }))).toThrow(NonFiniteScoreError);
    expect(() => p.key(doc({ id: 'bad-doc', score: Number.NaN }))).toThrow(/bad-doc.*score is NaN/);
    expect(() => p.key(doc({ std: Infinity }))).toThrow(/std is Infinity/);
  });
});

describe('band policy', () => {
  const docs = population(20_000, 11);
  const table = quantileTable(docs.map((d) => d.score));

  it('drops the top 10% of predictions by default and keys the rest like top', () => {
    const p = makePolicy(spec({ kind: 'band' }), { seed: 1, scoreQuantiles: table });
    const kept = docs.filter((d) => p.key(d) !== null);
    const dropped = docs.filter((d) => p.key(d) === null);
    expect(dropped.length / docs.length).toBeGreaterThan(0.095);
    expect(dropped.length / docs.length).toBeLessThan(0.105);
    const maxKept = Math.max(...kept.map((d) => d.score));
    expect(Math.min(...dropped.map((d) => d.score))).toBeGreaterThan(maxKept);
    expect(p.key(kept[0]!)).toBe(Math.fround(kept[0]!.score));
  });

  it('drops the bottom tail too, and applies filters', () => {
    const p = makePolicy(spec({ kind: 'band', dropTopQuantile: 0.05, dropBottomQuantile: 0.2, filters: { minWords: 21 } }), {
      seed: 1,
      scoreQuantiles: table,
    });
    const dropped = docs.filter((d) => p.key({ ...d, words: 21 }) === null).length / docs.length;
    expect(dropped).toBeGreaterThan(0.24);
    expect(dropped).toBeLessThan(0.26);
    expect(docs.every((d) => p.key(d) === null)).toBe(true); // 20 words < minWords
  });

  it('interpolates between quantile entries', () => {
    expect(quantileOf([0, 10], 0.25)).toBe(2.5);
    const t = Array.from({ length: 1001 }, (_, i) => i);
    expect(quantileOf(t, 0.9)).toBeCloseTo(900, 9);
    expect(quantileOf(t, 0.9005)).toBeCloseTo(900.5, 9);
    expect(quantileOf(t, 1)).toBe(1000);
    const p = makePolicy(spec({ kind: 'band', dropTopQuantile: 0.1 }), { seed: 1, scoreQuantiles: t });
    expect(p.key(doc({ score: 900 }))).toBe(900);
    expect(p.key(doc({ score: 900.01 }))).toBeNull();
  });

  it('refuses a missing or unsorted quantile table, and tails that cover everything', () => {
    expect(() => makePolicy(spec({ kind: 'band' }), { seed: 1, scoreQuantiles: [] })).toThrow(PolicyConfigError);
    expect(() => makePolicy(spec({ kind: 'band' }), { seed: 1, scoreQuantiles: [0, 2, 1] })).toThrow(/scoreQuantiles\[2\].*not sorted/);
    expect(() => makePolicy(spec({ kind: 'band', dropTopQuantile: 0.6, dropBottomQuantile: 0.4 }), { seed: 1, scoreQuantiles: table })).toThrow(
      /drops everything/,
    );
    // No tails: no table needed.
    expect(makePolicy(spec({ kind: 'band', dropTopQuantile: 0 }), opts).key(doc())).toBe(1);
  });
});

describe('sample policy (Gumbel-top-k)', () => {
  const docs = population(10_000, 21);
  const k = 1000;
  const byScore = topK(docs, (d) => d.score, k);
  const overlap = (a: Set<string>) => [...a].filter((id) => byScore.has(id)).length / k;

  it('is deterministic for a seed and changes with the seed', () => {
    const a = makePolicy(spec({ kind: 'sample' }), { seed: 4, scoreQuantiles: [] });
    const b = makePolicy(spec({ kind: 'sample' }), { seed: 4, scoreQuantiles: [] });
    const c = makePolicy(spec({ kind: 'sample' }), { seed: 5, scoreQuantiles: [] });
    const keysA = docs.slice(0, 200).map((d) => a.key(d));
    expect(docs.slice(0, 200).map((d) => b.key(d))).toEqual(keysA);
    expect(docs.slice(0, 200).map((d) => c.key(d))).not.toEqual(keysA);
    expect(keysA.every((x) => x !== null && Number.isFinite(x) && Math.fround(x) === x)).toBe(true);
  });

  it('with a low temperature picks nearly the top documents', () => {
    const p = makePolicy(spec({ kind: 'sample', temperature: 0.005 }), { seed: 1, scoreQuantiles: [] });
    expect(overlap(topK(docs, p.key, k))).toBeGreaterThan(0.95);
  });

  it('with a high temperature picks nearly at random', () => {
    const p = makePolicy(spec({ kind: 'sample', temperature: 1000 }), { seed: 1, scoreQuantiles: [] });
    // A random 10% overlaps the top 10% by about 10%.
    expect(overlap(topK(docs, p.key, k))).toBeLessThan(0.16);
  });

  it('ranks a pair in the order of their scores with probability sigmoid(difference / temperature)', () => {
    const temperature = 0.5;
    const p = makePolicy(spec({ kind: 'sample', temperature }), { seed: 9, scoreQuantiles: [] });
    const diff = temperature * Math.log(3); // P(first ahead) = 3/4
    let ahead = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      if (p.key(doc({ id: `a${i}`, score: diff }))! > p.key(doc({ id: `b${i}`, score: 0 }))!) ahead++;
    }
    expect(ahead / n).toBeGreaterThan(0.735);
    expect(ahead / n).toBeLessThan(0.765);
  });

  it('applies filters before any noise', () => {
    const p = makePolicy(spec({ kind: 'sample', filters: { maxChars: 50 } }), opts);
    expect(p.key(doc({ chars: 51 }))).toBeNull();
    expect(p.key(doc({ chars: 50 }))).not.toBeNull();
  });
});
