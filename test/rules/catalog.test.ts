import { describe, expect, it } from 'vitest';
import { RULES } from '../../lib/rules/index.ts';
import { ALL_RULES_MASK, DEFAULT_RULE_PARAMS, RULE_NAMES, ruleMask, ruleNamesOf } from '../../lib/rules/catalog.ts';
import type { RuleName } from '../../lib/rules/index.ts';

describe('the rule catalog', () => {
  it('keeps every rule on its bit (scores written today are read by later versions)', () => {
    // Append new rules on free bits (27..31); never move or reuse one of these.
    expect(Object.fromEntries(RULES.map((r) => [r.name, r.bit]))).toEqual({
      'gopher.word_count': 0,
      'gopher.mean_word_length': 1,
      'gopher.symbol_word_ratio': 2,
      'gopher.bullet_lines': 3,
      'gopher.ellipsis_lines': 4,
      'gopher.alpha_words': 5,
      'gopher.stop_words': 6,
      'gopher.dup_line_frac': 7,
      'gopher.dup_para_frac': 8,
      'gopher.dup_line_char_frac': 9,
      'gopher.dup_para_char_frac': 10,
      'gopher.top_2gram_char_frac': 11,
      'gopher.top_3gram_char_frac': 12,
      'gopher.top_4gram_char_frac': 13,
      'gopher.dup_5gram_char_frac': 14,
      'gopher.dup_6gram_char_frac': 15,
      'gopher.dup_7gram_char_frac': 16,
      'gopher.dup_8gram_char_frac': 17,
      'gopher.dup_9gram_char_frac': 18,
      'gopher.dup_10gram_char_frac': 19,
      'c4.lorem_ipsum': 20,
      'c4.curly_brace': 21,
      'c4.min_sentences': 22,
      'fineweb.line_punct_ratio': 23,
      'fineweb.short_line_ratio': 24,
      'fineweb.dup_line_char_frac': 25,
      'fineweb.list_ratio': 26,
    });
  });

  it('lists the rules in bit order, each name and bit once, within 32 bits', () => {
    expect(RULES.map((r) => r.bit)).toEqual(RULES.map((_, i) => i));
    expect(new Set(RULE_NAMES).size).toBe(RULES.length);
    expect(RULES.length).toBeLessThanOrEqual(32);
    expect(ALL_RULES_MASK).toBe(2 ** RULES.length - 1);
  });

  it('gives every rule a source matching its name, a description, a reference and defaults', () => {
    for (const r of RULES) {
      expect(r.source.split('-')[0]).toBe(r.name.split('.')[0]);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.reference.length).toBeGreaterThan(10);
      expect(DEFAULT_RULE_PARAMS[r.name]).toBeDefined();
    }
  });

  it('holds the published default thresholds', () => {
    expect(DEFAULT_RULE_PARAMS['gopher.word_count']).toEqual({ min: 50, max: 100_000 });
    expect(DEFAULT_RULE_PARAMS['gopher.mean_word_length']).toEqual({ min: 3, max: 10 });
    expect(DEFAULT_RULE_PARAMS['gopher.stop_words'].words).toEqual(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
    const repetition = [2, 3, 4].map((n) => (DEFAULT_RULE_PARAMS[`gopher.top_${n}gram_char_frac` as RuleName] as { max: number }).max);
    expect(repetition).toEqual([0.2, 0.18, 0.16]);
    const duplicates = [5, 6, 7, 8, 9, 10].map((n) => (DEFAULT_RULE_PARAMS[`gopher.dup_${n}gram_char_frac` as RuleName] as { max: number }).max);
    expect(duplicates).toEqual([0.15, 0.14, 0.13, 0.12, 0.11, 0.1]);
    expect(DEFAULT_RULE_PARAMS['c4.min_sentences']).toMatchObject({ min: 5, minWordsPerLine: 3, maxWordLength: 1000 });
    expect(DEFAULT_RULE_PARAMS['fineweb.line_punct_ratio'].min).toBe(0.12);
    expect(DEFAULT_RULE_PARAMS['fineweb.short_line_ratio']).toEqual({ max: 0.67, maxLength: 30 });
    expect(DEFAULT_RULE_PARAMS['fineweb.dup_line_char_frac'].max).toBe(0.01);
  });

  it('names the rules of a bitmask and gives the bit of a name', () => {
    expect(ruleNamesOf(0)).toEqual([]);
    expect(ruleNamesOf(ruleMask('c4.curly_brace') | ruleMask('gopher.word_count'))).toEqual(['gopher.word_count', 'c4.curly_brace']);
    expect(ruleMask('fineweb.list_ratio')).toBe(1 << 26);
  });
});
