import { describe, expect, it } from 'vitest';
import { jobSpecSchema, policySchema, type PolicySpec } from '../../lib/job/spec.ts';
import { isTrusted, makePolicy, PolicyConfigError, type PolicyDoc, type SelectionContext } from '../../lib/select/index.ts';

const spec = (raw: Record<string, unknown>): PolicySpec => policySchema.parse(raw);
const doc = (over: Partial<PolicyDoc> = {}): PolicyDoc => ({ id: 'd', score: 2, std: 0.1, chars: 100, words: 20, ...over });

/** Passing-sample predictions 1.00, 1.01, ..., 3.00: quantile q lies at 1 + 2q. */
const passQuantiles = Array.from({ length: 1001 }, (_, i) => 1 + (2 * i) / 1000);
const context: SelectionContext = { passQuantiles, minScore: 0.5, maxScore: 6, maxStd: 0.4, ruleMask: 0b101 };
const opts = { seed: 1, scoreQuantiles: passQuantiles, context };

/** The documents in the order a policy takes them (highest key first), excluded ones left out. */
function order(policy: ReturnType<typeof makePolicy>, docs: PolicyDoc[]): string[] {
  return docs
    .map((d) => ({ id: d.id, k: policy.key(d) }))
    .filter((x): x is { id: string; k: number } => x.k !== null)
    .sort((a, b) => b.k - a.k)
    .map((x) => x.id);
}

describe('the label-band policy (the default)', () => {
  it('is the default policy of a job spec, with its band from the labelled sample', () => {
    const s = jobSpecSchema.parse({ name: 'x', corpus: { uri: '/c' }, output: '/o', budget: { fraction: 0.5 }, reference: { kind: 'ngram', text: '/t.txt' } });
    expect(s.policy).toMatchObject({ kind: 'label-band', untrusted: 'exclude', fill: 'ceiling' });
  });

  it('starts at the centre quantile and widens both ways, never past the band', () => {
    // centre 0.25 -> 1.5, upper 0.5 -> 2.0, lower 0 (no floor beyond the trusted range).
    const p = makePolicy(spec({ kind: 'label-band', centre: 0.25, upper: 0.5 }), opts);
    const docs = [1.5, 1.45, 1.62, 1.2, 1.95, 2.01, 2.9, 0.9].map((score, i) => doc({ id: `s${score}`, score, std: 0.1 + i * 0.01 }));
    expect(order(p, docs)).toEqual(['s1.5', 's1.45', 's1.62', 's1.2', 's1.95', 's0.9']);
    expect(p.key(doc({ score: 2.01 }))).toBeNull();
    expect(p.exclusion(doc({ score: 2.01 }))).toBe('band');
  });

  it('has the same shape whatever the budget: the keys do not depend on it', () => {
    const p = makePolicy(spec({ kind: 'label-band' }), opts);
    const q = makePolicy(spec({ kind: 'label-band' }), { ...opts, seed: 99 });
    for (const s of [0.7, 1.3, 1.5, 1.99, 2.5]) expect(q.key(doc({ score: s }))).toBe(p.key(doc({ score: s })));
  });

  it('honours a lower quantile', () => {
    const p = makePolicy(spec({ kind: 'label-band', lower: 0.1, centre: 0.2, upper: 0.6 }), opts);
    expect(p.key(doc({ score: 1.19 }))).toBeNull(); // below quantile 0.1 = 1.2
    expect(p.key(doc({ score: 1.21 }))).not.toBeNull();
    expect(p.key(doc({ score: 2.19 }))).not.toBeNull();
    expect(p.key(doc({ score: 2.21 }))).toBeNull(); // above quantile 0.6 = 2.2
  });

  it('with fill "always" takes the documents outside the band after every one inside, nearest first, and untrusted ones last', () => {
    const p = makePolicy(spec({ kind: 'label-band', upper: 0.5, centre: 0.25, fill: 'always' }), opts);
    const docs = [
      doc({ id: 'in-far', score: 1.0 }),
      doc({ id: 'in-near', score: 1.5 }),
      doc({ id: 'out-near', score: 2.1 }),
      doc({ id: 'out-far', score: 5.0 }),
      doc({ id: 'untrusted-low', score: -25 }),
      doc({ id: 'untrusted-spread', score: 1.5, std: 3 }),
      doc({ id: 'failing-rule', score: 1.5, rules: 0b100 }),
    ];
    expect(order(p, docs)).toEqual(['in-near', 'in-far', 'out-near', 'out-far', 'untrusted-spread', 'untrusted-low']);
  });

  it('rejects quantiles out of order, and a card without the selection context', () => {
    expect(() => makePolicy(spec({ kind: 'label-band', centre: 0.6, upper: 0.5 }), opts)).toThrow(PolicyConfigError);
    expect(() => makePolicy(spec({ kind: 'label-band' }), { seed: 1, scoreQuantiles: passQuantiles })).toThrow(/selection context/);
    expect(policySchema.safeParse({ kind: 'label-band', upper: 1.5 }).success).toBe(false);
  });
});

describe('every policy, with the card selection context', () => {
  const kinds = ['label-band', 'top', 'bottom', 'band', 'budget-band', 'sample'] as const;

  it('excludes a prediction below or above the labelled range, or with an outlying spread (untrusted: "exclude")', () => {
    for (const kind of kinds) {
      const p = makePolicy(spec({ kind }), opts);
      for (const d of [doc({ score: -27.5 }), doc({ score: 0.49 }), doc({ score: 6.01 }), doc({ score: 1.5, std: 0.41 })]) {
        expect(p.key(d), `${kind} ${d.score} ${d.std}`).toBeNull();
        expect(p.exclusion(d)).toBe('untrusted');
      }
      expect(isTrusted(doc({ score: 0.5, std: 0.4 }), context)).toBe(true);
    }
  });

  it('keeps untrusted predictions with untrusted: "keep", and the bottom policy then takes the extrapolated ones first', () => {
    const keep = makePolicy(spec({ kind: 'bottom', untrusted: 'keep' }), opts);
    const guarded = makePolicy(spec({ kind: 'bottom' }), opts);
    const docs = [doc({ id: 'prose', score: 1.2 }), doc({ id: 'mojibake', score: -27 })];
    expect(order(keep, docs)[0]).toBe('mojibake');
    expect(order(guarded, docs)).toEqual(['prose']);
  });

  it('excludes a document failing a quality rule of the context rule mask, and no other rule', () => {
    for (const kind of kinds) {
      const p = makePolicy(spec({ kind }), opts);
      expect(p.key(doc({ score: 1.5, rules: 0b001 }))).toBeNull();
      expect(p.exclusion(doc({ score: 1.5, rules: 0b001 }))).toBe('rules');
      // Bit 1 is not in the mask (a rule the spec turned off, reported only).
      expect(p.key(doc({ score: 1.5, rules: 0b010 }))).not.toBeNull();
    }
    // Without a context (cards written before it), any failed rule excludes.
    expect(makePolicy(spec({ kind: 'top' }), { seed: 1, scoreQuantiles: [] }).key(doc({ rules: 0b010 }))).toBeNull();
  });

  it('names the length filters as the reason when they exclude', () => {
    const p = makePolicy(spec({ kind: 'top', filters: { minWords: 50 } }), opts);
    expect(p.key(doc({ words: 10 }))).toBeNull();
    expect(p.exclusion(doc({ words: 10 }))).toBe('filters');
  });
});
