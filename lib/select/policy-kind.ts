/**
 * What one policy kind is, in one module (lib/select/policy-kinds/<kind>.ts): its spec's schema, its key, its exclusion
 * rule, the flags `proxysel select` sets it with, its report label and threshold marks, and whether every proxy card's
 * token-error table covers it. The registration list (policy-kinds/index.ts) is the only other place a kind is named;
 * the spec, makePolicy, the token-error estimate, the report and the CLI ask it.
 */
import type { z } from 'zod';
import { NonFiniteScoreError, PolicyConfigError } from './errors.ts';
import type { PenaltySpec } from './policy-spec.ts';
import type { PolicyDoc, PolicyOptions } from './types.ts';

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Rounds a finite number to a float32 key, clamped to the finite float32 range; -0 becomes +0. */
export function toKey(x: number): number {
  const clamped = x > FLOAT32_MAX ? FLOAT32_MAX : x < -FLOAT32_MAX ? -FLOAT32_MAX : x;
  return Math.fround(clamped) + 0;
}

/**
 * The value at quantile q of a quantile table (entries at 0, 1/(m-1), ..., 1; 1001 entries for 0, 0.001, ..., 1),
 * interpolated linearly between entries.
 */
export function quantileOf(table: readonly number[], q: number): number {
  const m = table.length;
  const pos = Math.min(Math.max(q, 0), 1) * (m - 1);
  const lo = Math.floor(pos);
  if (lo >= m - 1) return table[m - 1]!;
  const frac = pos - lo;
  return table[lo]! + frac * (table[lo + 1]! - table[lo]!);
}

export function checkQuantileTable(table: readonly number[], name = 'scoreQuantiles'): void {
  if (table.length < 2) {
    throw new PolicyConfigError(`band needs the proxy card's ${name} (at least 2 entries, usually 1001); got ${table.length}`);
  }
  for (let i = 0; i < table.length; i++) {
    if (!Number.isFinite(table[i])) throw new PolicyConfigError(`${name}[${i}] is ${table[i]}, not a finite number`);
    if (i > 0 && table[i]! < table[i - 1]!) {
      throw new PolicyConfigError(`${name}[${i}] (${table[i]}) is below ${name}[${i - 1}] (${table[i - 1]}): not sorted`);
    }
  }
}

/** score - lambda * std: the prediction, penalised for the ensemble's disagreement. */
export function penalised(doc: PolicyDoc, lambda: number): number {
  if (!Number.isFinite(doc.score)) throw new NonFiniteScoreError(doc.id, 'score', doc.score);
  if (lambda === 0) return doc.score;
  if (!Number.isFinite(doc.std)) throw new NonFiniteScoreError(doc.id, 'std', doc.std);
  return doc.score - lambda * doc.std;
}

/**
 * With `fill: "always"`, documents a policy would leave out for their prediction come after every document it keeps:
 * outside the band, at OUTSIDE_BAND_KEY minus their distance from it (clamped to SCORE_CLAMP); untrusted, at
 * UNTRUSTED_KEY minus |score| (clamped). A kept document's key is a trusted prediction (within the labelled range), or
 * minus its distance to the band's centre, so far above -1e4: the order is band, outside the band, untrusted.
 */
export const OUTSIDE_BAND_KEY = -1e4;
export const UNTRUSTED_KEY = -1e5;
/** Scores are clamped to this magnitude inside keys that must stay in their region (float32 keeps 1e-3 resolution). */
export const SCORE_CLAMP = 1e3;

/** A kind's key over a screened, trusted document (null: outside its band), and its exclusion rule. */
export interface KindKey {
  key: (doc: PolicyDoc) => number | null;
  /**
   * The exclusion rule of `budget-band`: the selection comes from the lowest keys holding this multiple of the budget
   * (reduce excludes the highest keys above them, `budgetBandExcess`), not from the top of the whole key order.
   */
  budgetMultiple?: number;
}

/** One policy kind. `S` is its zod schema (a strict object with a `kind` literal, the penalty fields spread in). */
export interface PolicyKind<S extends z.ZodObject = z.ZodObject, Spec = z.output<S>> {
  readonly kind: Spec extends { kind: infer K } ? K : never;
  readonly schema: S;
  /** The kind's key (throws PolicyConfigError when the spec cannot work with these options). */
  key(spec: Spec & PenaltySpec, options: PolicyOptions): KindKey;
  /** `proxysel select` flags that set this kind's own numeric fields: flag -> field. */
  readonly flags: Readonly<Record<string, string>>;
  /** The report's words for the kind's own parameters (`drop top 10%`); empty: none. */
  label(spec: Spec): string[];
  /** Where the report's histogram marks the threshold: at the lowest selected prediction, the highest, or nowhere. */
  readonly thresholdAt: 'lowest' | 'highest' | 'none';
  /** The report's histogram also marks the band's top cut (the highest selected prediction). */
  readonly bandTopCut: boolean;
  /** Every card's token-error table covers this kind, at this place (absent: only when it is the spec's policy). */
  readonly reportedAt?: number;
  /** The proxy target the kind needs (`reducible`: the proxy learned the reducible loss). */
  readonly needsTarget?: 'reducible';
}

/** A kind module's definition, checked against PolicyKind with its own schema's spec type. */
export function definePolicyKind<S extends z.ZodObject>(kind: PolicyKind<S>): PolicyKind<S> {
  return kind;
}
