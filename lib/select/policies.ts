import { PolicyConfigError } from './errors.ts';
import { SCORE_CLAMP, toKey, UNTRUSTED_KEY } from './policy-kind.ts';
import { policyKind, type PolicySpec } from './policy-kinds/index.ts';
import type { FiltersSpec, PenaltySpec } from './policy-spec.ts';
import type { ExclusionReason, Policy, PolicyDoc, PolicyOptions, SelectionContext } from './types.ts';

export { FLOAT32_MAX, quantileOf, toKey } from './policy-kind.ts';

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

/** True when the prediction lies in the labelled range and its spread is not far above the typical one. */
export function isTrusted(doc: Pick<PolicyDoc, 'score' | 'std'>, context: SelectionContext): boolean {
  return doc.score >= context.minScore && doc.score <= context.maxScore && doc.std <= context.maxStd;
}

const clampScore = (x: number) => Math.max(-SCORE_CLAMP, Math.min(SCORE_CLAMP, x));

/**
 * Builds a policy from its spec. Every policy first excludes (key null) a document that fails a quality rule
 * (`doc.rules`) or the length filters; with the card's selection context, one whose prediction the proxy cannot vouch
 * for (outside the labelled range, or a spread far above the typical: `isTrusted`) is excluded too (`fill: "always"`:
 * taken last instead). Then its kind (lib/select/policy-kinds/<kind>.ts, each documenting its key) maps the prediction
 * to a key, higher = selected first, or null outside its band. Keys are rounded to float32 (clamped to its finite
 * range).
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
  const inner = policyKind(spec.kind).key(spec as PolicySpec & PenaltySpec, options);
  return {
    kind: spec.kind,
    ...(inner.budgetMultiple !== undefined ? { budgetMultiple: inner.budgetMultiple } : {}),
    key: (doc) => {
      if (screened(doc)) return null;
      if (untrusted(doc)) return always ? toKey(UNTRUSTED_KEY - Math.abs(clampScore(doc.score))) : null;
      return inner.key(doc);
    },
    exclusion: (doc) => screened(doc) ?? (untrusted(doc) ? 'untrusted' : 'band'),
  };
}
