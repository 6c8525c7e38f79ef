import { describe, expect, it } from 'vitest';
import { meanAndSpread, pairedDelta, type RunResult } from '../../bench/lib/buckets-report.ts';
import { labelSample, sentencesOf, splitByFile } from '../../bench/lib/buckets-scenario.ts';
import type { BrownFile } from '../../lib/demo/sources.ts';

/** Brown-like files: `perGenre` files in each genre, each with 12 paragraphs of 4 sentences naming the file and paragraph. */
function files(genres: string[], perGenre: number): BrownFile[] {
  return genres.flatMap((genre) =>
    Array.from({ length: perGenre }, (_, f) => {
      const name = `c${genre[0]}${String(f).padStart(2, '0')}`;
      const paragraphs = Array.from({ length: 12 }, (_, p) =>
        Array.from({ length: 4 }, (_, s) => `Sentence ${s} of paragraph ${p} of ${name} tells a long enough story about ${genre} here.`).join(' '),
      );
      return { name, genre, paragraphs };
    }),
  );
}

describe('splitByFile', () => {
  const input = files(['news', 'lore', 'romance'], 8);
  const split = splitByFile(input, { seed: 3, share: 0.25, maxChars: 600 });

  it('draws target and general files from every genre, and no text is both in a reference and in the corpus', () => {
    const sideOf = new Map(split.docs.map((d) => [d.file, d.side]));
    for (const genre of ['news', 'lore', 'romance']) {
      const sides = split.docs.filter((d) => d.genre === genre).map((d) => d.side);
      expect(sides).toContain('target');
      expect(sides).toContain('general');
      expect(sides).toContain('other');
    }
    const corpus = split.docs.map((d) => d.text).join(' ');
    const fileOf = (p: string) => p.match(/ of (c\w\d\d) /)![1]!;
    for (const p of split.targetText.split('\n\n')) {
      expect(sideOf.get(fileOf(p)) ?? 'target').toBe('target');
      expect(corpus).not.toContain(p);
    }
    for (const p of split.generalText.split('\n\n')) expect(sideOf.get(fileOf(p)) ?? 'general').toBe('general');
    expect(split.targetText.length).toBeGreaterThan(0);
    expect(split.generalText.length).toBeGreaterThan(0);
  });

  it('is deterministic for the same seed and differs for another', () => {
    expect(splitByFile(input, { seed: 3, share: 0.25, maxChars: 600 })).toEqual(split);
    expect(splitByFile(input, { seed: 4, share: 0.25, maxChars: 600 }).targetText).not.toBe(split.targetText);
  });

  it('with targetGenres keeps target files in those genres and general files in the others', () => {
    const byGenre = splitByFile(input, { seed: 3, share: 0.25, maxChars: 600, targetGenres: ['lore'] });
    for (const d of byGenre.docs) {
      if (d.side === 'target') expect(d.genre).toBe('lore');
      if (d.side === 'general') expect(d.genre).not.toBe('lore');
    }
    expect(() => splitByFile(input, { seed: 3, share: 0.25, maxChars: 600, targetGenres: ['poetry'] })).toThrow(/poetry/);
  });
});

describe('sentencesOf', () => {
  it('cuts after sentence ends followed by a capital or a quote, not inside abbreviations before lower case', () => {
    expect(sentencesOf('One ends. "Two," he said. Three e.g. four! Five')).toEqual(['One ends.', '"Two," he said.', 'Three e.g. four!', 'Five']);
  });
});

describe('labelSample', () => {
  it('gives distinct sorted indexes, nested across counts for one seed', () => {
    const small = labelSample(100, 10, 1);
    const large = labelSample(100, 40, 1);
    expect(new Set(small).size).toBe(10);
    expect([...small]).toEqual([...small].sort((a, b) => a - b));
    for (const i of small) expect(large).toContain(i);
    expect([...labelSample(100, 10, 2)]).not.toEqual([...small]);
    expect(() => labelSample(5, 6, 1)).toThrow(/6 labels of 5/);
  });
});

describe('meanAndSpread', () => {
  it('gives the mean and max - min', () => {
    expect(meanAndSpread([1, 3, 2])).toEqual({ mean: 2, spread: 2 });
  });
});

describe('pairedDelta', () => {
  const run = (seed: number, buckets: number, restSpearman: number): RunResult => ({
    target: 'loss', l2: 0.1, labels: 10, seed, buckets, heldOutSpearman: 0, heldOutN: 2, restSpearman, restN: 8, overlap: 0, fitCpuSeconds: 0,
  });

  it('subtracts the same seed\'s base run and gives the mean and range of the differences', () => {
    const base = [run(1, 1 << 17, 0.5), run(2, 1 << 17, 0.7)];
    const at = [run(1, 1 << 16, 0.49), run(2, 1 << 16, 0.67)];
    expect(pairedDelta(at, base, (r) => r.restSpearman, 2)).toBe('-0.02 (-0.03..-0.01)');
    expect(pairedDelta(at, [], (r) => r.restSpearman, 2)).toBe('');
  });
});
