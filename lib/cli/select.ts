/** `proxysel select`: its flags parsed here (the CLI's) into a new selection, which lib/runner's `reselect` makes. */
import { parseBudgetOption } from '../job/index.ts';
import { POLICY_KIND_FLAGS } from '../select/index.ts';
import type { Reselection } from '../runner/index.ts';

/** The selection flags of `proxysel select`, as parseArgs gives them. */
export interface SelectFlags {
  budget?: string;
  policy?: string;
  'drop-top'?: string;
  multiple?: string;
  lambda?: string;
  temperature?: string;
  /** label-band's quantiles. */
  lower?: string;
  centre?: string;
  upper?: string;
  /** `ceiling` or `always` (policy.fill). */
  fill?: string;
  /** `exclude` or `keep` (policy.untrusted). */
  untrusted?: string;
}

/**
 * The new selection the flags ask for: the budget parsed (InvalidOptionError naming the flag), and the policy fields the
 * flags set: --policy's kind, the penalty's, every kind's own (its module's `flags`); none when no policy flag is given.
 * `reselect` completes the policy from the run's (its kind and filters) and validates it.
 */
export function selectionFromFlags(flags: SelectFlags): Reselection {
  const budget = flags.budget !== undefined ? parseBudgetOption(flags.budget) : undefined;
  const fields: Record<string, unknown> = {};
  if (flags.policy !== undefined) fields.kind = flags.policy;
  if (flags.lambda !== undefined) fields.lambda = Number(flags.lambda);
  for (const [flag, field] of Object.entries(POLICY_KIND_FLAGS)) {
    const value = (flags as Record<string, unknown>)[flag] as string | undefined;
    if (value !== undefined) fields[field] = Number(value);
  }
  if (flags.fill !== undefined) fields.fill = flags.fill;
  if (flags.untrusted !== undefined) fields.untrusted = flags.untrusted;
  return { budget, policy: Object.keys(fields).length > 0 ? fields : undefined };
}
