import { z } from 'zod';
import { HistogramError } from './errors.ts';
import type { BinTotals, KeyHistogramJSON } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** Number of key bins: the top 20 bits of the ordered float32 bit pattern. */
export const KEY_BINS = 1 << 20;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The key's bin: its float32 bit pattern mapped to an order-preserving uint32 (negative numbers: all bits flipped;
 * others: sign bit set), top 20 bits. a <= b implies binOf(a) <= binOf(b); -0 and +0 share a bin.
 *
 * @throws HistogramError when the key is NaN
 */
export function binOf(key: number): number {
  if (Number.isNaN(key)) throw new HistogramError('binOf: key is NaN');
  f32[0] = key + 0; // -0 -> +0
  const bits = u32[0]!;
  const ordered = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  return ordered >>> 12;
}

/** A KeyHistogram as stored (scores/<item>.hist.json's `histogram`). */
export const keyHistogramSchema = z.object({
  bins: z.array(
    z.tuple([
      z.number().int().min(0).max(KEY_BINS - 1),
      z.number().int().positive(),
      z.number().nonnegative().refine(Number.isFinite, 'must be finite'),
    ]),
  ),
});

/**
 * A sparse, token-weighted histogram of policy keys over the 2^20 order-preserving bins of `binOf`. Items' histograms
 * merge exactly (sums), so reduce can find the budget's boundary bin without reading any score.
 */
export class KeyHistogram {
  private readonly bins = new Map<number, BinTotals>();
  private docs = 0;
  private tokens = 0;

  /** Counts one document with this key and token count. */
  add(key: number, tokens: number): void {
    if (!Number.isFinite(key)) throw new HistogramError(`KeyHistogram.add: key ${key} is not a finite number`);
    if (!(Number.isFinite(tokens) && tokens >= 0)) throw new HistogramError(`KeyHistogram.add: tokens ${tokens} is not a finite number >= 0`);
    this.addToBin(binOf(key), 1, tokens);
  }

  private addToBin(bin: number, docs: number, tokens: number): void {
    const b = this.bins.get(bin);
    if (b) {
      b.docs += docs;
      b.tokens += tokens;
    } else this.bins.set(bin, { docs, tokens });
    this.docs += docs;
    this.tokens += tokens;
  }

  /**
   * Takes one document with this key and token count back out (a document removed after it was counted, e.g. as a
   * duplicate).
   *
   * @throws HistogramError when the key's bin holds no such document
   */
  remove(key: number, tokens: number): void {
    const bin = binOf(key);
    const b = this.bins.get(bin);
    if (!b || b.docs < 1 || b.tokens < tokens) throw new HistogramError(`KeyHistogram.remove: bin ${bin} holds no document of ${tokens} tokens to remove`);
    if (b.docs === 1) this.bins.delete(bin);
    else {
      b.docs -= 1;
      b.tokens -= tokens;
    }
    this.docs -= 1;
    this.tokens -= tokens;
  }

  /** Adds another histogram's counts into this one; returns this. */
  merge(other: KeyHistogram): this {
    for (const [bin, t] of other.bins) this.addToBin(bin, t.docs, t.tokens);
    return this;
  }

  /** True when some document falls in this bin. */
  hasBin(bin: number): boolean {
    return this.bins.has(bin);
  }

  /** Totals of one bin (zero when empty). */
  bin(bin: number): BinTotals {
    const b = this.bins.get(bin);
    return b ? { docs: b.docs, tokens: b.tokens } : { docs: 0, tokens: 0 };
  }

  /** Number of non-empty bins. */
  get size(): number {
    return this.bins.size;
  }

  /** Documents and tokens over all bins. */
  get totals(): BinTotals {
    return { docs: this.docs, tokens: this.tokens };
  }

  /**
   * A copy without the bins above `bin`, and with `bin` itself holding `keep` (dropped when keep.docs is 0): what is
   * left below a budget-band's exclusion.
   */
  keptBelow(bin: number, keep: BinTotals): KeyHistogram {
    const out = new KeyHistogram();
    for (const [b, t] of this.bins) if (b < bin) out.addToBin(b, t.docs, t.tokens);
    if (keep.docs > 0) out.addToBin(bin, keep.docs, keep.tokens);
    return out;
  }

  /** Non-empty bins from the highest down (highest keys first). */
  *descending(): IterableIterator<[number, BinTotals]> {
    const keys = [...this.bins.keys()].sort((a, b) => b - a);
    for (const k of keys) yield [k, this.bin(k)];
  }

  /** Compact, sorted form: `[bin, docs, tokens]` triples ascending by bin. */
  toJSON(): KeyHistogramJSON {
    const keys = [...this.bins.keys()].sort((a, b) => a - b);
    return { bins: keys.map((k) => [k, this.bins.get(k)!.docs, this.bins.get(k)!.tokens]) };
  }

  /**
   * Reads the form `toJSON` writes back, validating it.
   *
   * @param source names the file in error messages
   * @throws HistogramError on a malformed histogram (wrong shape, bins out of range, not strictly ascending)
   */
  static fromJSON(json: unknown, source = 'histogram'): KeyHistogram {
    const parsed = keyHistogramSchema.safeParse(json);
    if (!parsed.success) {
      throw new HistogramError(`${source}: ${formatZodError(parsed.error)}`);
    }
    const hist = new KeyHistogram();
    let prev = -1;
    parsed.data.bins.forEach(([bin, docs, tokens], i) => {
      if (bin <= prev) throw new HistogramError(`${source}: bins.${i}: bin ${bin} is not above the previous bin ${prev}`);
      prev = bin;
      hist.addToBin(bin, docs, tokens);
    });
    return hist;
  }
}
