import { describe, expect, it } from 'vitest';
import { resolveRules, RulesSpecError, rulesSchema } from '../../lib/rules/index.ts';
import { ALL_RULES_MASK, DEFAULT_RULE_PARAMS, ruleMask } from '../../lib/rules/catalog.ts';
import { parseRulesSpec } from '../../lib/rules/spec.ts';

/** The message of the RulesSpecError that parsing `input` throws. */
function problem(input: unknown): string {
  try {
    parseRulesSpec(input);
  } catch (err) {
    expect(err).toBeInstanceOf(RulesSpecError);
    return (err as Error).message;
  }
  throw new Error('expected the spec to be rejected');
}

describe('rulesSchema', () => {
  it('turns every rule on with its published defaults when absent or empty', () => {
    const rules = resolveRules(rulesSchema.parse({}));
    expect(rules.mask).toBe(ALL_RULES_MASK);
    expect(rules.exhaustive).toBe(true);
    expect(rules.params).toEqual(DEFAULT_RULE_PARAMS);
    expect(resolveRules(parseRulesSpec(undefined)).mask).toBe(ALL_RULES_MASK);
  });

  it('keeps gopher.stop_words on by default (it removes non-English text; turn it off for other languages)', () => {
    expect(resolveRules(rulesSchema.parse({})).mask & ruleMask('gopher.stop_words')).not.toBe(0);
    expect(resolveRules(rulesSchema.parse({ 'gopher.stop_words': false })).mask & ruleMask('gopher.stop_words')).toBe(0);
  });

  it('merges parameter overrides with the defaults and resolves true to the defaults', () => {
    const spec = rulesSchema.parse({ 'c4.min_sentences': { min: 3 }, 'gopher.word_count': true });
    expect(spec['c4.min_sentences']).toEqual({ ...DEFAULT_RULE_PARAMS['c4.min_sentences'], min: 3 });
    expect(spec['gopher.word_count']).toEqual(DEFAULT_RULE_PARAMS['gopher.word_count']);
    expect(resolveRules(spec).params['c4.min_sentences'].min).toBe(3);
  });

  it('turns one rule off with false, and all off with enabled: false', () => {
    const rules = resolveRules(rulesSchema.parse({ 'fineweb.list_ratio': false }));
    expect(rules.mask).toBe((ALL_RULES_MASK & ~ruleMask('fineweb.list_ratio')) >>> 0);
    expect(rules.params['fineweb.list_ratio']).toEqual(DEFAULT_RULE_PARAMS['fineweb.list_ratio']);
    expect(resolveRules(rulesSchema.parse({ enabled: false })).mask).toBe(0);
  });

  it('round-trips: a parsed spec parses again to itself', () => {
    const once = rulesSchema.parse({ 'gopher.alpha_words': { min: 0.7 }, 'c4.curly_brace': false });
    expect(rulesSchema.parse(once)).toEqual(once);
  });

  it('rejects an unknown rule name, naming it and the path', () => {
    expect(problem({ 'gopher.word_cont': true })).toBe('rules.gopher.word_cont: unknown field; did you mean "gopher.word_count"?');
  });

  it('rejects an unknown parameter name with its path', () => {
    expect(problem({ 'gopher.word_count': { minimum: 10 } })).toMatch(/^rules\.gopher\.word_count: .*"minimum"/);
  });

  it('rejects out-of-range and non-integer numbers with their paths', () => {
    expect(problem({ 'gopher.alpha_words': { min: 1.5 } })).toMatch(/^rules\.gopher\.alpha_words\.min: .*<=1/);
    expect(problem({ 'gopher.dup_line_frac': { max: -0.1 } })).toMatch(/^rules\.gopher\.dup_line_frac\.max: .*>=0/);
    expect(problem({ 'c4.min_sentences': { min: 2.5 } })).toMatch(/^rules\.c4\.min_sentences\.min: .*expected int\b/);
    expect(problem({ 'fineweb.short_line_ratio': { maxLength: -1 } })).toMatch(/^rules\.fineweb\.short_line_ratio\.maxLength: /);
  });

  it('rejects a minimum above the maximum', () => {
    expect(problem({ 'gopher.word_count': { min: 200, max: 100 } })).toBe('rules.gopher.word_count.min: min must not be above max');
  });

  it('reports a parameter of the wrong type at its path', () => {
    expect(problem({ 'gopher.word_count': { min: 'ten' } })).toMatch(/^rules\.gopher\.word_count\.min: .*expected number/);
  });

  it('rejects a rule value that is neither a boolean nor parameters', () => {
    expect(problem({ 'gopher.word_count': 'yes' })).toBe("rules.gopher.word_count: expected true, false or an object of the rule\u2019s parameters");
  });

  it('checks stop word lists: one word each, no edge punctuation, distinct, enough for the minimum', () => {
    expect(problem({ 'gopher.stop_words': { min: 1, words: ['two words'] } })).toMatch(/^rules\.gopher\.stop_words\.words\[0\]: .*without whitespace/);
    expect(problem({ 'gopher.stop_words': { min: 1, words: ['the,'] } })).toMatch(/punctuation/);
    expect(problem({ 'gopher.stop_words': { words: ['der', 'der'] } })).toMatch(/distinct/);
    expect(problem({ 'gopher.stop_words': { min: 3, words: ['der', 'die'] } })).toMatch(/^rules\.gopher\.stop_words\.min: /);
  });

  it('puts a caller-given path before the problems', () => {
    expect(() => parseRulesSpec({ nope: 1 }, 'job.rules')).toThrow(/^job\.rules\.nope: unknown field/);
  });
});
