import type { FiltersSpec, PolicySpec } from '../job/index.ts';
import { NonFiniteScoreError, PolicyConfigError } from './errors.ts';
import { docHash, hashToUnit } from './hash.ts';
import type { Policy, PolicyDoc, PolicyOptions } from './types.ts';

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Salt of the `sample` policy's noise, so that it is independent of the boundary order (which hashes with the seed). */
const GUMBEL_SALT = 0x2545f491;

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

function checkQuantileTable(table: readonly number[]): void {
  if (table.length < 2) {
    throw new PolicyConfigError(`band needs the proxy card's scoreQuantiles (at least 2 entries, usually 1001); got ${table.length}`);
  }
  for (let i = 0; i < table.length; i++) {
    if (!Number.isFinite(table[i])) throw new PolicyConfigError(`scoreQuantiles[${i}] is ${table[i]}, not a finite number`);
    if (i > 0 && table[i]! < table[i - 1]!) {
      throw new PolicyConfigError(`scoreQuantiles[${i}] (${table[i]}) is below scoreQuantiles[${i - 1}] (${table[i - 1]}): not sorted`);
    }
  }
}

/** True when the document passes the spec's length filters (all bounds inclusive). */
export function passesFilters(f: FiltersSpec, doc: Pick<PolicyDoc, 'chars' | 'words'>): boolean {
  if (f.minChars !== undefined && doc.chars < f.minChars) return false;
  if (f.maxChars !== undefined && doc.chars > f.maxChars) return false;
  if (f.minWords !== undefined && doc.words < f.minWords) return false;
  if (f.maxWords !== undefined && doc.words > f.maxWords) return false;
  return true;
}

/** score - lambda * std: the prediction, penalised for the ensemble's disagreement. */
function penalised(doc: PolicyDoc, lambda: number): number {
  if (!Number.isFinite(doc.score)) throw new NonFiniteScoreError(doc.id, 'score', doc.score);
  if (lambda === 0) return doc.score;
  if (!Number.isFinite(doc.std)) throw new NonFiniteScoreError(doc.id, 'std', doc.std);
  return doc.score - lambda * doc.std;
}

/**
 * Builds a policy from its spec. Every policy applies the length filters first (null = excluded), then maps the
 * prediction to a key, higher = selected first:
 * - `top`: score - lambda * std.
 * - `bottom`: -(score + lambda * std): the lowest predicted loss first (the documents most like the reference model's
 *   text, as in perplexity filtering), an uncertain prediction counted as a higher loss.
 * - `band`: null when the score lies above the (1 - dropTopQuantile) or below the dropBottomQuantile quantile of the
 *   sample's predictions (`scoreQuantiles`), else score - lambda * std.
 * - `budget-band`: score - lambda * std, as `top`; reduce then excludes the highest keys down to where the rest holds
 *   `multiple` x the budget (`findExclusion`), so the budget is filled from the top of the low-loss band.
 * - `reducible`: score - lambda * std, where the proxy was trained on the reducible loss (target "reducible": large-model
 *   loss minus small-model loss, as in RHO-LOSS), so its score already is the reducible loss.
 * - `sample`: Gumbel-top-k, (score - lambda * std) / temperature + g with g = -ln(-ln(u)), u in (0, 1) from the
 *   document's id hash (seeded, deterministic). Taking the top keys samples without replacement with probability
 *   proportional to exp(key / temperature): a high temperature is close to uniform, a low one close to `top`.
 * Keys are rounded to float32 (clamped to its finite range).
 *
 * @throws PolicyConfigError when the spec cannot work (band without a quantile table, or tails covering everything)
 */
export function makePolicy(spec: PolicySpec, options: PolicyOptions): Policy {
  const { filters, lambda } = spec;
  if (!Number.isFinite(lambda) || lambda < 0) throw new PolicyConfigError(`lambda must be a finite number >= 0, got ${lambda}`);
  switch (spec.kind) {
    case 'top':
    case 'reducible':
      return {
        kind: spec.kind,
        key: (doc) => (passesFilters(filters, doc) ? toKey(penalised(doc, lambda)) : null),
      };
    case 'budget-band': {
      const m = spec.multiple;
      if (!(Number.isFinite(m) && m >= 1)) throw new PolicyConfigError(`budget-band multiple must be a finite number >= 1, got ${m}`);
      return {
        kind: 'budget-band',
        budgetMultiple: m,
        key: (doc) => (passesFilters(filters, doc) ? toKey(penalised(doc, lambda)) : null),
      };
    }
    case 'bottom':
      return {
        kind: 'bottom',
        key: (doc) => (passesFilters(filters, doc) ? toKey(-penalised(doc, -lambda)) : null),
      };
    case 'band': {
      const { dropTopQuantile: top, dropBottomQuantile: bottom } = spec;
      if (!(top >= 0 && top < 1 && bottom >= 0 && bottom < 1)) {
        throw new PolicyConfigError(`band quantiles must lie in [0, 1): dropTopQuantile ${top}, dropBottomQuantile ${bottom}`);
      }
      if (top + bottom >= 1) {
        throw new PolicyConfigError(`band drops everything: dropTopQuantile ${top} + dropBottomQuantile ${bottom} >= 1`);
      }
      let upper = Infinity;
      let lower = -Infinity;
      if (top > 0 || bottom > 0) {
        checkQuantileTable(options.scoreQuantiles);
        if (top > 0) upper = quantileOf(options.scoreQuantiles, 1 - top);
        if (bottom > 0) lower = quantileOf(options.scoreQuantiles, bottom);
      }
      return {
        kind: 'band',
        key: (doc) => {
          if (!passesFilters(filters, doc)) return null;
          const base = penalised(doc, lambda);
          if (doc.score > upper || doc.score < lower) return null;
          return toKey(base);
        },
      };
    }
    case 'sample': {
      const t = spec.temperature;
      if (!(Number.isFinite(t) && t > 0)) throw new PolicyConfigError(`sample temperature must be a finite number > 0, got ${t}`);
      const noiseSeed = (options.seed ^ GUMBEL_SALT) >>> 0;
      return {
        kind: 'sample',
        key: (doc) => {
          if (!passesFilters(filters, doc)) return null;
          const u = hashToUnit(docHash(doc.id, noiseSeed));
          const g = -Math.log(-Math.log(u));
          return toKey(penalised(doc, lambda) / t + g);
        },
      };
    }
  }
}
