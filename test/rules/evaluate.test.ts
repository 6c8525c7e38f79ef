import { describe, expect, it } from 'vitest';
import { evaluateRules, resolveRules, rulesSchema } from '../../lib/rules/index.ts';
import { DEFAULT_RULES } from '../../lib/rules/spec.ts';
import { measureRules } from '../../lib/rules/evaluate.ts';
import { ruleMask } from '../../lib/rules/catalog.ts';
import type { RuleName } from '../../lib/rules/index.ts';
import { distinctWords, fails, only, padTo, valueOf } from './fixtures.ts';

const words = (n: number) => distinctWords(n).join(' ');
const lines = (...ls: string[]) => ls.join('\n');

describe('gopher.word_count (fails below 50 or above 100,000 words)', () => {
  it('passes at exactly 50 words and fails at 49', () => {
    expect(valueOf(words(50), 'gopher.word_count')).toBe(50);
    expect(fails(words(50), 'gopher.word_count')).toBe(false);
    expect(fails(words(49), 'gopher.word_count')).toBe(true);
  });
  it('does not count tokens made only of punctuation', () => {
    const text = `${words(49)} -- ... !!`;
    expect(valueOf(text, 'gopher.word_count')).toBe(49);
    expect(fails(text, 'gopher.word_count')).toBe(true);
  });
  it('passes at exactly 100,000 words and fails at 100,001', () => {
    expect(fails('ab '.repeat(100_000), 'gopher.word_count')).toBe(false);
    expect(fails('ab '.repeat(100_001), 'gopher.word_count')).toBe(true);
  });
  it('takes its bounds from the spec', () => {
    expect(fails(words(10), 'gopher.word_count', { min: 10 })).toBe(false);
    expect(fails(words(11), 'gopher.word_count', { min: 1, max: 10 })).toBe(true);
  });
});

describe('gopher.mean_word_length (fails outside 3 to 10 characters)', () => {
  it('passes at a mean of exactly 3 and fails just under it', () => {
    expect(valueOf('abc '.repeat(50), 'gopher.mean_word_length')).toBe(3);
    expect(fails('abc '.repeat(50), 'gopher.mean_word_length')).toBe(false);
    const under = `${'abc '.repeat(49)}ab`;
    expect(valueOf(under, 'gopher.mean_word_length')).toBeCloseTo(2.98, 12);
    expect(fails(under, 'gopher.mean_word_length')).toBe(true);
  });
  it('passes at a mean of exactly 10 and fails just over it', () => {
    expect(fails('abcdefghij '.repeat(50), 'gopher.mean_word_length')).toBe(false);
    expect(fails(`${'abcdefghij '.repeat(49)}abcdefghijk`, 'gopher.mean_word_length')).toBe(true);
  });
  it('measures words without the punctuation at their edges', () => {
    expect(valueOf('"abc," '.repeat(50), 'gopher.mean_word_length')).toBe(3);
  });
});

describe("gopher.symbol_word_ratio (fails above 0.1 '#' or ellipses per token)", () => {
  it('passes at exactly 0.1 hashes per token and fails at 0.11', () => {
    const at = `${'word '.repeat(90)}${'a#b '.repeat(10)}`;
    expect(valueOf(at, 'gopher.symbol_word_ratio')).toBe(0.1);
    expect(fails(at, 'gopher.symbol_word_ratio')).toBe(false);
    expect(fails(`${'word '.repeat(89)}${'a#b '.repeat(11)}`, 'gopher.symbol_word_ratio')).toBe(true);
  });
  it("counts '...' and '…' as ellipses", () => {
    expect(fails(`${'word '.repeat(90)}${'a...b '.repeat(10)}`, 'gopher.symbol_word_ratio')).toBe(false);
    expect(fails(`${'word '.repeat(89)}${'a...b '.repeat(11)}`, 'gopher.symbol_word_ratio')).toBe(true);
    expect(fails(`${'word '.repeat(89)}${'a\u2026b '.repeat(11)}`, 'gopher.symbol_word_ratio')).toBe(true);
  });
});

describe('gopher.bullet_lines (fails when more than 90% of lines start with a bullet)', () => {
  it('passes at exactly 90% and fails at 95%', () => {
    const at = lines(...Array(9).fill('  - item'), 'plain line');
    expect(valueOf(at, 'gopher.bullet_lines')).toBe(0.9);
    expect(fails(at, 'gopher.bullet_lines')).toBe(false);
    expect(fails(lines(...Array(19).fill('\u2022 item'), 'plain line'), 'gopher.bullet_lines')).toBe(true);
  });
});

describe('gopher.ellipsis_lines (fails when more than 30% of lines end with an ellipsis)', () => {
  it('passes at exactly 30% and fails at 40%', () => {
    const rest = Array(7).fill('an ordinary line.');
    const at = lines('wait for it...', 'and then \u2026', 'more ...  ', ...rest);
    expect(valueOf(at, 'gopher.ellipsis_lines')).toBeCloseTo(0.3, 15);
    expect(fails(at, 'gopher.ellipsis_lines')).toBe(false);
    expect(fails(lines('a...', 'b...', 'c...', 'd...', ...Array(6).fill('x.')), 'gopher.ellipsis_lines')).toBe(true);
  });
});

describe('gopher.alpha_words (fails when fewer than 80% of tokens hold a letter)', () => {
  it('passes at exactly 80% and fails at 79%', () => {
    const at = `${'word '.repeat(80)}${'1234 '.repeat(20)}`;
    expect(valueOf(at, 'gopher.alpha_words')).toBe(0.8);
    expect(fails(at, 'gopher.alpha_words')).toBe(false);
    expect(fails(`${'word '.repeat(79)}${'1234 '.repeat(21)}`, 'gopher.alpha_words')).toBe(true);
  });
  it('counts punctuation split off words as tokens without letters', () => {
    expect(valueOf('word, '.repeat(40), 'gopher.alpha_words')).toBe(0.5);
  });
});

describe('gopher.stop_words (fails with fewer than 2 of the, be, to, of, and, that, have, with)', () => {
  it('passes with two distinct stop words and fails with one, however often', () => {
    expect(fails(`${words(20)} the ${words(5)} of`, 'gopher.stop_words')).toBe(false);
    expect(valueOf(`the ${words(20)} the the`, 'gopher.stop_words')).toBe(1);
    expect(fails(`the ${words(20)} the the`, 'gopher.stop_words')).toBe(true);
  });
  it('matches whole lowercase words, punctuation at their edges split off', () => {
    expect(fails(`${words(20)} The Of THE`, 'gopher.stop_words')).toBe(true);
    expect(fails(`${words(20)} (the) of,`, 'gopher.stop_words')).toBe(false);
    expect(fails(`${words(20)} theory offer`, 'gopher.stop_words')).toBe(true);
  });
  it("takes another language's list from the spec", () => {
    const german = 'der Hund und die Katze';
    expect(fails(german, 'gopher.stop_words')).toBe(true);
    expect(fails(german, 'gopher.stop_words', { words: ['der', 'die', 'und', 'zu'] })).toBe(false);
  });
});

describe('gopher.dup_line_frac (fails when more than 30% of lines repeat an earlier one)', () => {
  it('passes at exactly 30% and fails at 40%', () => {
    const d = distinctWords(7);
    const at = lines(...d, d[0]!, d[1]!, d[2]!);
    expect(valueOf(at, 'gopher.dup_line_frac')).toBeCloseTo(0.3, 15);
    expect(fails(at, 'gopher.dup_line_frac')).toBe(false);
    expect(fails(lines(...d.slice(0, 6), d[0]!, d[1]!, d[2]!, d[3]!), 'gopher.dup_line_frac')).toBe(true);
  });
  it('splits lines on runs of newlines, so blank lines are not lines', () => {
    expect(valueOf('abc\n\n\nabc', 'gopher.dup_line_frac')).toBe(0.5);
  });
});

describe('gopher.dup_para_frac (fails when more than 30% of paragraphs repeat an earlier one)', () => {
  it('passes at exactly 30% and fails at 40%', () => {
    const d = distinctWords(7).map((w) => `${w} one\n${w} two`);
    const at = [...d, d[0], d[1], d[2]].join('\n\n');
    expect(valueOf(at, 'gopher.dup_para_frac')).toBeCloseTo(0.3, 15);
    expect(fails(at, 'gopher.dup_para_frac')).toBe(false);
    expect(fails([...d.slice(0, 6), d[0], d[1], d[2], d[3]].join('\n\n'), 'gopher.dup_para_frac')).toBe(true);
  });
  it('compares paragraphs of the stripped text, whitespace inside included', () => {
    expect(valueOf('\n\n  abc\n\nabc  \n\n', 'gopher.dup_para_frac')).toBe(0.5);
    expect(valueOf('abc\n\nabc \n\nx', 'gopher.dup_para_frac')).toBe(0);
  });
});

describe('gopher.dup_line_char_frac (fails when repeated lines hold more than 20% of characters)', () => {
  it('passes at exactly 20% and fails just over it', () => {
    const r = 'abcdefghij';
    const at = `${r}\n${r}\n${'k'.repeat(28)}`;
    expect(at.length).toBe(50);
    expect(valueOf(at, 'gopher.dup_line_char_frac')).toBe(0.2);
    expect(fails(at, 'gopher.dup_line_char_frac')).toBe(false);
    expect(fails(`${r}\n${r}\n${'k'.repeat(27)}`, 'gopher.dup_line_char_frac')).toBe(true);
  });
});

describe('gopher.dup_para_char_frac (fails when repeated paragraphs hold more than 20% of characters)', () => {
  it('passes at exactly 20% and fails just over it', () => {
    const p = 'abcde\nfghi';
    const at = `${p}\n\n${p}\n\n${'k'.repeat(26)}`;
    expect(at.length).toBe(50);
    expect(valueOf(at, 'gopher.dup_para_char_frac')).toBe(0.2);
    expect(fails(at, 'gopher.dup_para_char_frac')).toBe(false);
    expect(fails(`${p}\n\n${p}\n\n${'k'.repeat(25)}`, 'gopher.dup_para_char_frac')).toBe(true);
  });
});

describe('gopher.top_Ngram_char_frac (fails when the most frequent n-gram covers more than 20% / 18% / 16%)', () => {
  it('2-grams: passes at exactly 0.20 and fails just over it', () => {
    // "aa bb" (5 characters) twice: 10 of 50 characters.
    expect(valueOf(padTo('aa bb aa bb', 50), 'gopher.top_2gram_char_frac')).toBe(0.2);
    expect(fails(padTo('aa bb aa bb', 50), 'gopher.top_2gram_char_frac')).toBe(false);
    expect(fails(padTo('aa bb aa bb', 49), 'gopher.top_2gram_char_frac')).toBe(true);
  });
  it('3-grams: passes at exactly 0.18 and fails just over it', () => {
    // "aaa bb cc" (9 characters) twice: 18 of 100 characters.
    expect(valueOf(padTo('aaa bb cc aaa bb cc', 100), 'gopher.top_3gram_char_frac')).toBe(0.18);
    expect(fails(padTo('aaa bb cc aaa bb cc', 100), 'gopher.top_3gram_char_frac')).toBe(false);
    expect(fails(padTo('aaa bb cc aaa bb cc', 99), 'gopher.top_3gram_char_frac')).toBe(true);
  });
  it('4-grams: passes at exactly 0.16 and fails just over it', () => {
    // "a b c dd" (8 characters) twice: 16 of 100 characters.
    expect(valueOf(padTo('a b c dd a b c dd', 100), 'gopher.top_4gram_char_frac')).toBe(0.16);
    expect(fails(padTo('a b c dd a b c dd', 100), 'gopher.top_4gram_char_frac')).toBe(false);
    expect(fails(padTo('a b c dd a b c dd', 99), 'gopher.top_4gram_char_frac')).toBe(true);
  });
  it("takes, among the most frequent, the n-gram that occurs first (Python's Counter.most_common)", () => {
    // "a b" and "ccc ddd" both occur twice; "a b" comes first: 3 characters x 2.
    const text = 'a b a b ccc ddd ccc ddd';
    expect(valueOf(text, 'gopher.top_2gram_char_frac')).toBe(6 / text.length);
  });
  it('takes the first n-gram, once, when none repeats', () => {
    const text = 'one two three four';
    expect(valueOf(text, 'gopher.top_3gram_char_frac')).toBe('one two three'.length / text.length);
  });
});

describe('gopher.dup_Ngram_char_frac (fails when repeated n-grams cover more than 15% ... 10%)', () => {
  const thresholds: Array<[number, number]> = [
    [5, 0.15],
    [6, 0.14],
    [7, 0.13],
    [8, 0.12],
    [9, 0.11],
    [10, 0.1],
  ];
  for (const [n, max] of thresholds) {
    it(`${n}-grams: passes at exactly ${max} and fails just over it`, () => {
      // n distinct words whose characters add up to max x 100, said twice, in a 100-character document.
      const total = Math.round(max * 100);
      const seq = Array.from({ length: n }, (_, k) => String.fromCharCode(97 + k).repeat(Math.floor(total / n) + (k < total % n ? 1 : 0)));
      const base = `${seq.join(' ')} ${seq.join(' ')}`;
      const name = `gopher.dup_${n}gram_char_frac` as RuleName;
      expect(valueOf(padTo(base, 100), name)).toBe(max);
      expect(fails(padTo(base, 100), name)).toBe(false);
      expect(fails(padTo(base, 99), name)).toBe(true);
    });
  }
  it('jumps past a repeat, so overlapping repeats count once', () => {
    // Six "a": the 5-gram at 0 is new, the one at 1 repeats it (5 characters), then the scan is past the end.
    expect(valueOf('a a a a a a', 'gopher.dup_5gram_char_frac')).toBe(5 / 11);
    // Three copies of a 5-gram: the second and the third repeat.
    const seq = 'aa bb cc dd ee';
    expect(valueOf(`${seq} ${seq} ${seq}`, 'gopher.dup_5gram_char_frac')).toBe(20 / 44);
  });
});

describe('c4.lorem_ipsum (fails when the text contains "lorem ipsum")', () => {
  it('finds the phrase in any case, anywhere, even inside words', () => {
    expect(fails('Here is Lorem Ipsum dolor sit amet.', 'c4.lorem_ipsum')).toBe(true);
    expect(fails('LOREM IPSUM', 'c4.lorem_ipsum')).toBe(true);
    expect(fails('xlorem ipsumy', 'c4.lorem_ipsum')).toBe(true);
  });
  it('needs the exact phrase: one space between the words', () => {
    expect(fails('lorem-ipsum and lorem  ipsum', 'c4.lorem_ipsum')).toBe(false);
    expect(fails('lorem\nipsum', 'c4.lorem_ipsum')).toBe(false);
    expect(fails('An ordinary sentence.', 'c4.lorem_ipsum')).toBe(false);
  });
});

describe("c4.curly_brace (fails when the text contains '{')", () => {
  it("fails on one '{' and passes without", () => {
    expect(fails('function f() { return 1; }', 'c4.curly_brace')).toBe(true);
    expect(fails('Brackets (round) and [square] are fine.', 'c4.curly_brace')).toBe(false);
  });
});

describe("c4.min_sentences (fails when fewer than 5 sentences remain after C4's line removals)", () => {
  const sentence = (i: number) => `This is sentence number ${distinctWords(1, i)[0]}.`;
  it('passes at exactly 5 sentences and fails at 4', () => {
    const five = lines(...[0, 1, 2, 3, 4].map(sentence));
    expect(valueOf(five, 'c4.min_sentences')).toBe(5);
    expect(fails(five, 'c4.min_sentences')).toBe(false);
    expect(fails(lines(...[0, 1, 2, 3].map(sentence)), 'c4.min_sentences')).toBe(true);
  });
  it('counts the sentences of a line', () => {
    expect(valueOf('One two three. Four five six! Seven eight nine? "Ten eleven twelve."', 'c4.min_sentences')).toBe(4);
  });
  it("removes lines C4 removes, and counts what is left", () => {
    const text = lines(
      sentence(0),
      'This line has no terminal punctuation',
      'This line trails off...',
      'Too short.',
      'Please enable JavaScript to see this page.',
      'We use cookies to improve your visit.',
      'Read our Privacy Policy for details.',
      'See the terms of use before posting.',
      `A ${'x'.repeat(1001)} word that is too long.`,
      'A sentence with a citation at its end.[12]',
      'He said "we are done here."',
      "She answered 'so are we'",
    );
    const m = measureRules(text, only('c4.min_sentences'));
    expect(m.values['c4.min_sentences']).toBe(4);
    expect(m.c4Lines).toEqual({ kept: 4, tooLongWord: 1, noTerminalPunct: 2, tooFewWords: 1, javascript: 1, policy: 3 });
  });
  it('takes its line removals and minimum from the spec', () => {
    const text = lines('Please enable JavaScript now.', 'No punctuation at the end', sentence(1), sentence(2));
    expect(valueOf(text, 'c4.min_sentences')).toBe(2);
    expect(valueOf(text, 'c4.min_sentences', { dropJavascript: false, dropNoTerminalPunct: false })).toBe(4);
    expect(fails(text, 'c4.min_sentences', { min: 2 })).toBe(false);
    expect(fails(text, 'c4.min_sentences', { min: 3 })).toBe(true);
  });
});

describe('fineweb.line_punct_ratio (fails when at most 12% of lines end with . \' " ! ?)', () => {
  it('fails at exactly 12% and passes at 16%', () => {
    const at = lines('One.', 'Two!', 'Three"', ...Array(22).fill('no end mark'));
    expect(valueOf(at, 'fineweb.line_punct_ratio')).toBe(0.12);
    expect(fails(at, 'fineweb.line_punct_ratio')).toBe(true);
    expect(fails(lines('One.', 'Two!', 'Three"', 'Four?', ...Array(21).fill('no end mark')), 'fineweb.line_punct_ratio')).toBe(false);
  });
  it('counts every line split on newlines, blank ones included', () => {
    expect(valueOf('Done.\n\n\n', 'fineweb.line_punct_ratio')).toBe(0.25);
  });
  it('can spare documents with no such line at all (excludeZero)', () => {
    expect(fails('a list\nof items', 'fineweb.line_punct_ratio')).toBe(true);
    expect(fails('a list\nof items', 'fineweb.line_punct_ratio', { excludeZero: true })).toBe(false);
  });
});

describe('fineweb.short_line_ratio (fails when at least 67% of lines have 30 characters or fewer)', () => {
  it('fails at exactly 67% and passes at 66%', () => {
    const short = 'x'.repeat(30);
    const long = 'y'.repeat(31);
    const at = lines(...Array(67).fill(short), ...Array(33).fill(long));
    expect(valueOf(at, 'fineweb.short_line_ratio')).toBe(0.67);
    expect(fails(at, 'fineweb.short_line_ratio')).toBe(true);
    expect(fails(lines(...Array(66).fill(short), ...Array(34).fill(long)), 'fineweb.short_line_ratio')).toBe(false);
  });
  it('takes the short-line length from the spec', () => {
    expect(fails(lines('x'.repeat(40), 'y'.repeat(40)), 'fineweb.short_line_ratio', { maxLength: 40 })).toBe(true);
  });
});

describe('fineweb.dup_line_char_frac (fails when repeated lines hold at least 1% of the non-newline characters)', () => {
  it('fails at exactly 1% and passes just under it', () => {
    const at = `dupli\ndupli\n${'a'.repeat(490)}`;
    expect(valueOf(at, 'fineweb.dup_line_char_frac')).toBe(0.01);
    expect(fails(at, 'fineweb.dup_line_char_frac')).toBe(true);
    expect(fails(`dupli\ndupli\n${'a'.repeat(491)}`, 'fineweb.dup_line_char_frac')).toBe(false);
  });
  it('ignores repeated blank lines', () => {
    expect(valueOf(`   \n   \n${'a'.repeat(100)}`, 'fineweb.dup_line_char_frac')).toBe(0);
  });
});

describe('fineweb.list_ratio (fails above 0.3 newlines per token)', () => {
  it('passes at exactly 0.3 and fails at 0.4', () => {
    expect(valueOf('a b c\nd e f\ng h i\nj', 'fineweb.list_ratio')).toBe(0.3);
    expect(fails('a b c\nd e f\ng h i\nj', 'fineweb.list_ratio')).toBe(false);
    expect(fails('a b\nc d\ne f\ng h\ni j', 'fineweb.list_ratio')).toBe(true);
  });
});

describe('evaluateRules', () => {
  const junk = `function(a,b){return a+b} ${'# '.repeat(40)}`;
  it('sets the bit of every enabled rule that fails, whatever else fails', () => {
    const mask = evaluateRules(junk);
    expect(mask & ruleMask('c4.curly_brace')).not.toBe(0);
    expect(mask & ruleMask('gopher.symbol_word_ratio')).not.toBe(0);
    expect(mask & ruleMask('gopher.word_count')).not.toBe(0);
    expect(mask).toBe(measureRules(junk).failed);
  });
  it('clears the bit of a disabled rule and leaves the others', () => {
    const all = evaluateRules(junk);
    const without = resolveRules(rulesSchema.parse({ 'c4.curly_brace': false }));
    expect(evaluateRules(junk, without)).toBe((all & ~ruleMask('c4.curly_brace')) >>> 0);
  });
  it('returns 0 when every rule is turned off', () => {
    expect(evaluateRules(junk, resolveRules(rulesSchema.parse({ enabled: false })))).toBe(0);
  });
  it('skips the n-gram rules of a document failing another rule only when not exhaustive', () => {
    // Failing word_count (too short) and the top 2-gram rule.
    const text = 'aa bb aa bb aa bb';
    const exhaustive = evaluateRules(text, DEFAULT_RULES);
    expect(exhaustive & ruleMask('gopher.top_2gram_char_frac')).not.toBe(0);
    const quick = evaluateRules(text, resolveRules(rulesSchema.parse({ exhaustive: false })));
    expect(quick & ruleMask('gopher.top_2gram_char_frac')).toBe(0);
    expect(quick & ruleMask('gopher.word_count')).not.toBe(0);
  });
  it('measures undefined statistics as NaN, and their rules pass', () => {
    const m = measureRules('');
    expect(m.values['gopher.mean_word_length']).toBeNaN();
    expect(m.values['gopher.top_2gram_char_frac']).toBeNaN();
    expect(m.failed & ruleMask('gopher.mean_word_length')).toBe(0);
    expect(m.failed & ruleMask('gopher.word_count')).not.toBe(0);
  });
  it('gives the same bits for a document whatever was evaluated before it (buffers are reused)', () => {
    const big = words(5000);
    const before = evaluateRules(junk);
    evaluateRules(big);
    expect(evaluateRules(junk)).toBe(before);
  });
});
