import type { FiltersSpec, PolicySpec } from '../job/index.ts';
import { NonFiniteScoreError, PolicyConfigError } from './errors.ts';
import { docHash, hashToUnit } from './hash.ts';
import type { ExclusionReason, Policy, PolicyDoc, PolicyOptions, SelectionContext } from './types.ts';

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

function checkQuantileTable(table: readonly number[], name = 'scoreQuantiles'): void {
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

/** A policy's options from the proxy card (its sample quantiles and selection context) and the job's seed. */
export function policyOptions(card: { scoreQuantiles: readonly number[]; selection?: SelectionContext }, seed: number): PolicyOptions {
  return card.selection ? { seed, scoreQuantiles: card.scoreQuantiles, context: card.selection } : { seed, scoreQuantiles: card.scoreQuantiles };
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

/** True when the prediction lies in the labelled range and its spread is not far above the typical one. */
export function isTrusted(doc: Pick<PolicyDoc, 'score' | 'std'>, context: SelectionContext): boolean {
  return doc.score >= context.minScore && doc.score <= context.maxScore && doc.std <= context.maxStd;
}

/**
 * With `fill: "always"`, documents a policy would leave out for their prediction come after every document it keeps:
 * outside the band, at OUTSIDE_BAND_KEY minus their distance from it (clamped to SCORE_CLAMP); untrusted, at
 * UNTRUSTED_KEY minus |score| (clamped). A kept document's key is a trusted prediction (within the labelled range), or
 * minus its distance to the band's centre, so far above -1e4: the order is band, outside the band, untrusted.
 */
const OUTSIDE_BAND_KEY = -1e4;
const UNTRUSTED_KEY = -1e5;
/** Scores are clamped to this magnitude inside keys that must stay in their region (float32 keeps 1e-3 resolution). */
const SCORE_CLAMP = 1e3;
const clampScore = (x: number) => Math.max(-SCORE_CLAMP, Math.min(SCORE_CLAMP, x));

/**
 * Builds a policy from its spec. Every policy first excludes (key null) a document that fails a quality rule
 * (`doc.rules`) or the length filters; with the card's selection context, one whose prediction the proxy cannot vouch
 * for (outside the labelled range, or a spread far above the typical: `isTrusted`) is excluded too (`fill: "always"`:
 * taken last instead). Then it maps the prediction to a key, higher = selected first:
 * - `label-band` (the default): the band of predictions between the `lower` and `upper` quantiles of the labelled
 *   documents that pass the rules (`context.passQuantiles`); inside it, -|score - c| where c is the `centre` quantile:
 *   the selection starts at the centre and widens both ways as the budget grows, and never leaves the band (under-fills
 *   instead; `fill: "always"` takes the rest after it, nearest the band first). The band is a property of the labelled
 *   sample, not of the budget, so its shape is the same at a 1% and a 50% budget.
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
  const context = options.context;
  const always = spec.fill === 'always';
  const checkTrust = context !== undefined && spec.untrusted === 'exclude';
  /** The reason a document is left out before its prediction is looked at, or undefined. */
  const screened = (doc: PolicyDoc): ExclusionReason | undefined => {
    if (doc.rules && (context ? (doc.rules & context.ruleMask) !== 0 : true)) return 'rules';
    if (!passesFilters(filters, doc)) return 'filters';
    return undefined;
  };
  const untrusted = (doc: PolicyDoc) => checkTrust && !isTrusted(doc, context);
  /** A policy whose key is a function of the trusted, screened document; `inner` may return null (band). */
  const build = (kind: PolicySpec['kind'], inner: (doc: PolicyDoc) => number | null, extra: Partial<Policy> = {}): Policy => ({
    kind,
    ...extra,
    key: (doc) => {
      if (screened(doc)) return null;
      if (untrusted(doc)) return always ? toKey(UNTRUSTED_KEY - Math.abs(clampScore(doc.score))) : null;
      return inner(doc);
    },
    exclusion: (doc) => screened(doc) ?? (untrusted(doc) ? 'untrusted' : 'band'),
  });
  switch (spec.kind) {
    case 'top':
    case 'reducible':
      return build(spec.kind, (doc) => toKey(penalised(doc, lambda)));
    case 'budget-band': {
      const m = spec.multiple;
      if (!(Number.isFinite(m) && m >= 1)) throw new PolicyConfigError(`budget-band multiple must be a finite number >= 1, got ${m}`);
      return build('budget-band', (doc) => toKey(penalised(doc, lambda)), { budgetMultiple: m });
    }
    case 'bottom':
      return build('bottom', (doc) => toKey(-penalised(doc, -lambda)));
    case 'label-band': {
      const { lower, centre, upper } = spec;
      if (!(lower >= 0 && lower <= centre && centre <= upper && upper <= 1)) {
        throw new PolicyConfigError(`label-band quantiles must satisfy 0 <= lower <= centre <= upper <= 1: lower ${lower}, centre ${centre}, upper ${upper}`);
      }
      if (!context) {
        throw new PolicyConfigError('label-band needs the proxy card\'s selection context (card.selection), written by proxysel 0.2 and later: refit the proxy');
      }
      checkQuantileTable(context.passQuantiles, 'selection.passQuantiles');
      const lo = lower > 0 ? quantileOf(context.passQuantiles, lower) : -Infinity;
      const hi = upper < 1 ? quantileOf(context.passQuantiles, upper) : Infinity;
      const c = quantileOf(context.passQuantiles, centre);
      return build('label-band', (doc) => {
        const s = penalised(doc, lambda);
        if (s < lo || s > hi) return always ? toKey(OUTSIDE_BAND_KEY - Math.min(SCORE_CLAMP, s < lo ? lo - s : s - hi)) : null;
        return toKey(-Math.min(SCORE_CLAMP, Math.abs(s - c)));
      });
    }
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
      return build('band', (doc) => {
        const base = penalised(doc, lambda);
        if (doc.score > upper || doc.score < lower) return always ? toKey(OUTSIDE_BAND_KEY - Math.min(SCORE_CLAMP, doc.score > upper ? doc.score - upper : lower - doc.score)) : null;
        return toKey(base);
      });
    }
    case 'sample': {
      const t = spec.temperature;
      if (!(Number.isFinite(t) && t > 0)) throw new PolicyConfigError(`sample temperature must be a finite number > 0, got ${t}`);
      const noiseSeed = (options.seed ^ GUMBEL_SALT) >>> 0;
      return build('sample', (doc) => {
        const u = hashToUnit(docHash(doc.id, noiseSeed));
        const g = -Math.log(-Math.log(u));
        return toKey(penalised(doc, lambda) / t + g);
      });
    }
  }
}
