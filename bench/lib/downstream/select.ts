/**
 * The benchmark's non-proxysel selections and the packing of any selection into a training set of exactly the budget's
 * real tokens. Pure functions over per-document arrays.
 */
import { docHash } from '../../../lib/select/index.ts';

/** An oracle policy on the reference's true per-document loss. */
export type OracleRule =
  | { kind: 'top' }
  | { kind: 'bottom' }
  /** Drop the documents above this quantile of the loss (by documents), then the highest. */
  | { kind: 'band'; dropTopQuantile: number }
  /** The lowest losses up to `multiple` x budget tokens, then the highest among those. */
  | { kind: 'budget-band'; multiple: number };

/** Greedy fill in `order` while the budget lasts (a document that does not fit is skipped). */
function fill(order: readonly number[], tokens: readonly number[], budget: number): boolean[] {
  const out = new Array<boolean>(tokens.length).fill(false);
  let left = budget;
  for (const i of order) {
    if (tokens[i]! > left) continue;
    left -= tokens[i]!;
    out[i] = true;
    if (left <= 0) break;
  }
  return out;
}

/** Indices sorted by value, ties by index (deterministic). */
function sortedBy(values: readonly number[], desc: boolean): number[] {
  return values.map((_, i) => i).sort((a, b) => (desc ? values[b]! - values[a]! : values[a]! - values[b]!) || a - b);
}

/** Quantile q of values (linear interpolation over the sorted values). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The documents an oracle rule selects from true losses under a budget of real tokens. */
export function oracleSelect(loss: readonly number[], tokens: readonly number[], rule: OracleRule, budget: number): boolean[] {
  switch (rule.kind) {
    case 'top':
      return fill(sortedBy(loss, true), tokens, budget);
    case 'bottom':
      return fill(sortedBy(loss, false), tokens, budget);
    case 'band': {
      const cut = quantile(loss, 1 - rule.dropTopQuantile);
      return fill(sortedBy(loss, true).filter((i) => loss[i]! <= cut), tokens, budget);
    }
    case 'budget-band': {
      const pool = fill(sortedBy(loss, false), tokens, rule.multiple * budget);
      return fill(sortedBy(loss, true).filter((i) => pool[i]), tokens, budget);
    }
  }
}

/** A seeded uniform random order of the documents (by id hash), filled to the budget. */
export function randomSelect(ids: readonly string[], tokens: readonly number[], budget: number, seed: number): boolean[] {
  const order = ids.map((id, i) => ({ h: docHash(id, seed), i })).sort((a, b) => a.h - b.h || a.i - b.i);
  return fill(
    order.map((o) => o.i),
    tokens,
    budget,
  );
}

/** Documents allowed by `keep`, filled to the budget in a seeded random order (a filter used under a budget). */
export function keepThenRandom(keep: readonly boolean[], ids: readonly string[], tokens: readonly number[], budget: number, seed: number): boolean[] {
  const masked = tokens.map((t, i) => (keep[i] ? t : Number.POSITIVE_INFINITY));
  return randomSelect(ids, masked, budget, seed);
}

/** What a selection trains on: exactly `budget` tokens (fewer only if the selection holds fewer). */
export interface Packed {
  ids: Uint16Array;
  /** Real tokens the selection holds (before truncation to the budget). */
  selectedTokens: number;
  /** Trained tokens per document index (the last one truncated). */
  usedTokens: Map<number, number>;
}

/**
 * Packs the selected documents' token ids (each starting with its special token) in a seeded order of their ids and
 * truncates the stream at exactly `budget` tokens, so every selection trains on the same number of tokens.
 */
export function packSelection(
  selected: readonly boolean[],
  ids: readonly string[],
  docTokens: (i: number) => ArrayLike<number>,
  budget: number,
  seed: number,
): Packed {
  const order = ids
    .map((id, i) => ({ h: docHash(id, seed), i }))
    .filter((o) => selected[o.i])
    .sort((a, b) => a.h - b.h || a.i - b.i);
  let selectedTokens = 0;
  for (const { i } of order) selectedTokens += docTokens(i).length;
  const out = new Uint16Array(Math.min(budget, selectedTokens));
  const usedTokens = new Map<number, number>();
  let at = 0;
  for (const { i } of order) {
    if (at >= out.length) break;
    const t = docTokens(i);
    const n = Math.min(t.length, out.length - at);
    for (let k = 0; k < n; k++) out[at + k] = t[k]!;
    usedTokens.set(i, n);
    at += n;
  }
  return { ids: out, selectedTokens, usedTokens };
}

/**
 * The benchmark's score of a gain: 0 for the mean random gain, 1 for the best oracle's gain.
 * NaN when the best oracle does not beat random (the scale is then undefined).
 */
export function downstreamScore(gain: number, meanRandomGain: number, bestOracleGain: number): number {
  const span = bestOracleGain - meanRandomGain;
  return span > 0 ? (gain - meanRandomGain) / span : Number.NaN;
}
