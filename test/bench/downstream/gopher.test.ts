import { describe, expect, it } from 'vitest';
import { gopherDedupKeep, gopherRejection } from '../../../bench/lib/downstream/gopher.ts';

const PROSE =
  'The committee met on Tuesday to discuss the new budget, and most of the members agreed that the plan would have to ' +
  'change before the end of the year. Several of them said that the city could not afford to build another bridge with ' +
  'the money it had, so they asked the mayor to look again at the numbers and to come back with a smaller proposal that ' +
  'the council would be able to pass without raising taxes for the people who live in the older parts of town.';

describe('Gopher quality rules', () => {
  it('keeps ordinary English prose', () => {
    expect(gopherRejection(PROSE)).toBeNull();
  });

  it('rejects a document of fewer than 50 words', () => {
    expect(gopherRejection('The cat sat on the mat with the dog.')).toBe('word count');
  });

  it('rejects words that are too long on average (hex dumps, base64)', () => {
    const blob = Array.from({ length: 60 }, (_, i) => `a9f3c0d1e2b4${i}f7a8b9c0d1e2`).join(' ');
    expect(gopherRejection(blob)).toBe('mean word length');
  });

  it('rejects documents without two of the stop words', () => {
    const words = Array.from({ length: 80 }, (_, i) => ['cheap', 'flights', 'hotel', 'deals', 'casino', 'loans', 'bonus', 'travel'][i % 8]);
    // Repetitive as well, but the stop-word rule comes first in Gopher's order.
    expect(gopherRejection(words.join(' '))).toBe('stop words');
  });

  it('rejects a text whose words are mostly not alphabetic (number tables)', () => {
    const table = Array.from({ length: 30 }, (_, i) => `${i}\t${(i * 3.17).toFixed(2)}\t${i * 41}\tthe`).join('\n');
    expect(gopherRejection(table)).toBe('alphabetic words');
  });

  it('rejects a hash-heavy text and an ellipsis-ending one', () => {
    expect(gopherRejection(`${PROSE} ${'#tag '.repeat(20)}`)).toBe('hash ratio');
    const lines = PROSE.split(', ').map((l) => `${l}...`).join('\n');
    expect(gopherRejection(lines)).toBe('ellipsis lines');
  });

  it('rejects bullet-only pages', () => {
    const bullets = PROSE.split(' ')
      .reduce<string[]>((acc, w, i) => (i % 6 === 0 ? [...acc, w] : [...acc.slice(0, -1), `${acc.at(-1)} ${w}`]), [])
      .map((l) => `• ${l}`)
      .join('\n');
    expect(gopherRejection(bullets)).toBe('bullet lines');
  });

  it('rejects repeated lines (boilerplate) and repeated n-grams', () => {
    const boiler = Array.from({ length: 12 }, () => 'Accept all cookies to have the best experience with the site').join('\n');
    expect(gopherRejection(boiler)).toBe('duplicate lines');
    const spun = `${PROSE} ${PROSE.split(' ').slice(0, 40).join(' ')}`;
    expect(gopherRejection(spun)).toMatch(/gram/);
  });
});

describe('Gopher + exact dedup', () => {
  it('keeps the first copy of a text only, and drops texts the rules reject', () => {
    expect(gopherDedupKeep([PROSE, 'too short', PROSE, `${PROSE} Again.`])).toEqual([true, false, false, true]);
  });
});
