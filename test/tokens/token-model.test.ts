import { describe, expect, it } from 'vitest';
import { DOC_STAT_COUNT, DOC_STAT_NAMES, docStats } from '../../lib/features/index.ts';
import { fitTokenModel, nnls, predictTokens, tokenErrors, tokenModelSchema } from '../../lib/tokens/index.ts';
import { mulberry32 } from '../../lib/seeded-random.ts';

const stat = (text: string, name: (typeof DOC_STAT_NAMES)[number]) => docStats(text, Buffer.byteLength(text))[DOC_STAT_NAMES.indexOf(name)]!;

describe('docStats', () => {
  it('counts characters by class, words, lines and the switches BPE splits on', () => {
    const text = 'The cat sat.\nabcDEF x9y 42 é5';
    expect(stat(text, 'bytes')).toBe(Buffer.byteLength(text));
    expect(stat(text, 'digits')).toBe(4);
    expect(stat(text, 'letters')).toBe(18);
    expect(stat(text, 'words')).toBe(7); // The cat sat abcDEF x9y 42 é5
    expect(stat(text, 'lines')).toBe(2);
    expect(stat(text, 'caseSwitches')).toBe(1); // cD
    expect(stat(text, 'letterDigitSwitches')).toBe(3); // x9, 9y, é5
    expect(stat(text, 'nonAsciiBytes')).toBe(2); // é is 2 UTF-8 bytes
    expect(stat(text, 'punct')).toBe(1);
    expect(stat(text, 'spaces')).toBe(6);
    expect(stat(text, 'shortWords')).toBe(2); // 42, é5
  });

  it('is zero for the empty text and reuses the buffer it is given', () => {
    const buf = new Float64Array(DOC_STAT_COUNT).fill(7);
    expect(docStats('', 0, buf)).toBe(buf);
    expect(Array.from(buf).every((v) => v === 0)).toBe(true);
  });
});

describe('nnls', () => {
  it('recovers non-negative weights exactly and clamps a weight the data wants negative to zero', () => {
    const rand = mulberry32(3);
    const rows = Array.from({ length: 200 }, () => [rand() * 10, rand() * 10, rand() * 10]);
    const fit = (target: (r: number[]) => number) => {
      const g = new Float64Array(9);
      const h = new Float64Array(3);
      for (const r of rows) {
        const y = target(r);
        for (let i = 0; i < 3; i++) {
          h[i]! += r[i]! * y;
          for (let j = 0; j < 3; j++) g[i * 3 + j]! += r[i]! * r[j]!;
        }
      }
      return Array.from(nnls(g, h, 3));
    };
    const exact = fit((r) => 2 * r[0]! + 0.5 * r[2]!);
    expect(exact[0]).toBeCloseTo(2, 9);
    expect(exact[1]).toBeCloseTo(0, 9);
    expect(exact[2]).toBeCloseTo(0.5, 9);
    const clamped = fit((r) => 2 * r[0]! - 1 * r[1]!);
    expect(clamped[1]).toBe(0);
    expect(clamped.every((w) => w >= 0)).toBe(true);
  });
});

describe('fitTokenModel', () => {
  it('prices kinds of text separately: a tokenizer that makes one token per word and one per digit is learned', () => {
    const rand = mulberry32(11);
    const docs = Array.from({ length: 300 }, () => {
      const words = Array.from({ length: 20 + Math.floor(rand() * 200) }, () =>
        rand() < 0.3 ? String(Math.floor(rand() * 1e6)) : 'abcdefghij'.slice(0, 2 + Math.floor(rand() * 8)),
      );
      const text = words.join(' ');
      // One token per letter word, one per digit, one for the end of the document.
      const tokens = words.reduce((a, w) => a + (/^\d+$/.test(w) ? w.length : 1), 0) + 1;
      return { text, stats: docStats(text, Buffer.byteLength(text)), tokens };
    });
    const model = tokenModelSchema.parse(fitTokenModel(docs.slice(0, 200)));
    expect(model.features).toEqual([...DOC_STAT_NAMES]);
    expect(model.weights.every((w) => w >= 0)).toBe(true);
    const held = docs.slice(200);
    const errors = tokenErrors(
      held.map((d) => predictTokens(model, d.stats)),
      held.map((d) => d.tokens),
    );
    expect(errors.meanAbsRelError).toBeLessThan(0.03);
    expect(Math.abs(errors.totalRelError)).toBeLessThan(0.01);
    // One ratio of tokens to bytes cannot tell digits (1 token per byte) from words (about 1 per 6 bytes).
    const tpb = docs.slice(0, 200).reduce((a, d) => a + d.tokens, 0) / docs.slice(0, 200).reduce((a, d) => a + d.stats[0]!, 0);
    const ratio = tokenErrors(
      held.map((d) => Math.round(d.stats[0]! * tpb)),
      held.map((d) => d.tokens),
    );
    expect(ratio.meanAbsRelError).toBeGreaterThan(3 * errors.meanAbsRelError);
  });

  it('predicts 0 tokens for an empty text and at least 1 for any other', () => {
    const model = fitTokenModel([{ stats: docStats('a b c', 5), tokens: 3 }, { stats: docStats('a b c d e', 9), tokens: 5 }]);
    expect(predictTokens(model, docStats('', 0))).toBe(0);
    expect(predictTokens(model, docStats('.', 1))).toBeGreaterThanOrEqual(1);
  });
});
