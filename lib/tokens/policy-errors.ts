/**
 * The token model's error on the held-out documents each policy would select: the error that matters for a budget,
 * since a policy picks a mix (say, prose and no tables) unlike the sample's, and the model's per-kind biases add up
 * over that mix instead of cancelling.
 */
import { budgetBandExcess, docHash, makePolicy, policySchema, REPORTED_POLICIES, type PolicySpec, type SelectionContext } from '../select/index.ts';
import { tokenErrors, type TokenErrors } from './token-model.ts';

/** One held-out document: the proxy's prediction, its text's length, its exact and estimated tokens. */
export interface HeldOutTokenDoc {
  id: string;
  score: number;
  std: number;
  chars: number;
  words: number;
  tokens: number;
  estimate: number;
}

export interface PolicyTokenErrors extends TokenErrors {
  policy: PolicySpec['kind'];
}

/**
 * For each policy: the held-out documents it would select at the budget's share of tokens (highest keys first, ties by
 * a seeded hash of the id, until the exact tokens reach `share` of the held-out total), and the estimates' error there.
 * The spec's own policy is used with its parameters; the others with their defaults and the spec's filters. The kinds
 * are the registry's (`REPORTED_POLICIES`, lib/select/policy-kinds).
 */
export function policyTokenErrors(
  docs: readonly HeldOutTokenDoc[],
  opts: { policy: PolicySpec; share: number; seed: number; scoreQuantiles: readonly number[]; context?: SelectionContext },
): PolicyTokenErrors[] {
  const kinds = REPORTED_POLICIES.includes(opts.policy.kind) ? REPORTED_POLICIES : [...REPORTED_POLICIES, opts.policy.kind];
  const total = docs.reduce((a, d) => a + d.tokens, 0);
  const out: PolicyTokenErrors[] = [];
  for (const kind of kinds) {
    const spec = kind === opts.policy.kind ? opts.policy : policySchema.parse({ kind, filters: opts.policy.filters });
    const policy = makePolicy(spec, { seed: opts.seed, scoreQuantiles: opts.scoreQuantiles, ...(opts.context ? { context: opts.context } : {}) });
    const keyed = docs
      .map((d) => ({ d, key: policy.key(d), hash: docHash(d.id, opts.seed) }))
      .filter((k): k is { d: HeldOutTokenDoc; key: number; hash: number } => k.key !== null)
      .sort((a, b) => b.key - a.key || a.hash - b.hash);
    const chosen: HeldOutTokenDoc[] = [];
    let used = 0;
    // A budget-band selects from the top of the lowest `multiple` x budget: the keys above are skipped first.
    const kept = keyed.reduce((a, k) => a + k.d.tokens, 0);
    let skip = policy.budgetMultiple !== undefined ? budgetBandExcess(kept, opts.share * total, policy.budgetMultiple) : 0;
    for (const k of keyed) {
      if (skip > 0) {
        skip -= k.d.tokens;
        continue;
      }
      if (used + k.d.tokens > opts.share * total && chosen.length > 0) break;
      chosen.push(k.d);
      used += k.d.tokens;
    }
    const errors = tokenErrors(
      chosen.map((d) => d.estimate),
      chosen.map((d) => d.tokens),
    );
    out.push({ policy: kind, ...errors });
  }
  return out;
}
