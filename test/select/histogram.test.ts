import { describe, expect, it } from 'vitest';
import { binOf, FLOAT32_MAX, HistogramError, KEY_BINS, KeyHistogram } from '../../lib/select/index.ts';
import { seededRandom } from './random.ts';

describe('binOf', () => {
  it('preserves order over negative, zero, tiny, subnormal and huge keys', () => {
    const keys = [
      -FLOAT32_MAX, -1e30, -65504, -2, -1, -0.5, -1e-20, -1.17549435e-38, -1e-44, -1.4e-45, -0, 0, 1.4e-45, 1e-44,
      1.17549435e-38, 1e-20, 0.5, 1, 2, 65504, 1e30, FLOAT32_MAX,
    ];
    const bins = keys.map(binOf);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!).toBeGreaterThanOrEqual(bins[i - 1]!);
    expect(binOf(-0)).toBe(binOf(0));
    // Well separated keys land in distinct bins, in order.
    expect(binOf(-2)).toBeLessThan(binOf(-1));
    expect(binOf(-1)).toBeLessThan(binOf(0));
    expect(binOf(0)).toBeLessThan(binOf(1e-30));
    expect(binOf(1)).toBeLessThan(binOf(1.001));
    expect(binOf(1e30)).toBeLessThan(binOf(FLOAT32_MAX));
    expect(binOf(-FLOAT32_MAX)).toBeGreaterThanOrEqual(0);
    expect(binOf(FLOAT32_MAX)).toBeLessThan(KEY_BINS);
  });

  it('is monotone over random pairs of float32 keys of both signs and many magnitudes', () => {
    const rand = seededRandom(17);
    const draw = () => Math.fround((rand() < 0.5 ? -1 : 1) * rand() * 10 ** Math.floor(rand() * 76 - 38));
    const violations: [number, number][] = [];
    for (let i = 0; i < 50_000; i++) {
      const a = draw();
      const b = draw();
      const ok = a < b ? binOf(a) <= binOf(b) : a > b ? binOf(a) >= binOf(b) : binOf(a) === binOf(b);
      if (!ok) violations.push([a, b]);
    }
    expect(violations).toEqual([]);
  });

  it('gives the 2^20 bins about 2^11 steps per power of two', () => {
    // 20 bits = sign + 8 exponent bits + 11 mantissa bits.
    expect(binOf(2) - binOf(1)).toBe(2048);
    expect(binOf(-1) - binOf(-2)).toBe(2048);
  });

  it('refuses NaN', () => {
    expect(() => binOf(Number.NaN)).toThrow(HistogramError);
  });
});

describe('KeyHistogram', () => {
  function randomHistograms(seed: number, parts: number): { parts: KeyHistogram[]; whole: KeyHistogram } {
    const rand = seededRandom(seed);
    const whole = new KeyHistogram();
    const split = Array.from({ length: parts }, () => new KeyHistogram());
    for (let i = 0; i < 5000; i++) {
      const key = Math.round((rand() - 0.3) * 400) / 100;
      const tokens = Math.floor(rand() * 900);
      whole.add(key, tokens);
      split[Math.floor(rand() * parts)]!.add(key, tokens);
    }
    return { parts: split, whole };
  }

  it('counts documents and tokens per bin and in total', () => {
    const h = new KeyHistogram();
    h.add(1, 10);
    h.add(1, 5);
    h.add(-3, 7);
    h.add(-0, 0);
    expect(h.totals).toEqual({ docs: 4, tokens: 22 });
    expect(h.size).toBe(3);
    expect(h.bin(binOf(1))).toEqual({ docs: 2, tokens: 15 });
    expect(h.hasBin(binOf(0))).toBe(true);
    expect(h.hasBin(binOf(2))).toBe(false);
    expect(h.bin(binOf(2))).toEqual({ docs: 0, tokens: 0 });
    expect([...h.descending()].map(([b]) => b)).toEqual([binOf(1), binOf(0), binOf(-3)]);
  });

  it('merges items exactly: the merged parts equal the whole', () => {
    const { parts, whole } = randomHistograms(5, 7);
    const merged = new KeyHistogram();
    for (const p of parts) merged.merge(p);
    expect(merged.toJSON()).toEqual(whole.toJSON());
    expect(merged.totals).toEqual(whole.totals);
  });

  it('round-trips through JSON, sorted and compact', () => {
    const { whole } = randomHistograms(6, 1);
    const json = JSON.parse(JSON.stringify(whole));
    const bins = json.bins as [number, number, number][];
    for (let i = 1; i < bins.length; i++) expect(bins[i]![0]).toBeGreaterThan(bins[i - 1]![0]);
    const back = KeyHistogram.fromJSON(json);
    expect(back.toJSON()).toEqual(whole.toJSON());
    expect(back.totals).toEqual(whole.totals);
    expect([...back.descending()]).toEqual([...whole.descending()]);
    expect(KeyHistogram.fromJSON({ bins: [] }).totals).toEqual({ docs: 0, tokens: 0 });
  });

  it('rejects malformed stored histograms, naming the file and field', () => {
    const src = 'scores/part-0001.hist.json';
    expect(() => KeyHistogram.fromJSON({ bins: [[5, 1, 1], [5, 1, 1]] }, src)).toThrow(/part-0001\.hist\.json: bins\.1: bin 5 is not above/);
    expect(() => KeyHistogram.fromJSON({ bins: [[KEY_BINS, 1, 1]] }, src)).toThrow(/bins\[0\]\[0\]/);
    expect(() => KeyHistogram.fromJSON({ bins: [[1, 0, 1]] }, src)).toThrow(/bins\[0\]\[1\]/);
    expect(() => KeyHistogram.fromJSON({ bins: [[1, 1, -1]] }, src)).toThrow(/bins\[0\]\[2\]/);
    expect(() => KeyHistogram.fromJSON({}, src)).toThrow(/part-0001\.hist\.json: bins/);
  });

  it('rejects non-finite keys and bad token counts', () => {
    const h = new KeyHistogram();
    expect(() => h.add(Infinity, 1)).toThrow(HistogramError);
    expect(() => h.add(Number.NaN, 1)).toThrow(HistogramError);
    expect(() => h.add(1, -1)).toThrow(/tokens -1/);
    expect(h.totals).toEqual({ docs: 0, tokens: 0 });
  });
});
