import { z } from 'zod';
import { PolicyConfigError } from '../errors.ts';
import { definePolicyKind, penalised, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/**
 * `budget-band`: score - lambda * std, as `top`; reduce then excludes the highest keys down to where the rest holds
 * `multiple` x the budget (`budgetBandExcess`, `findExclusion`), so the budget is filled from the top of the low-loss
 * band.
 */
export const budgetBand = definePolicyKind({
  kind: 'budget-band',
  schema: z
    .object({
      kind: z.literal('budget-band'),
      /**
       * The band is the documents of lowest predicted loss holding `multiple` x the budget; the highest-predicted of
       * those fill the budget. So the top (1 - multiple x budget share) of the corpus is never taken.
       */
      multiple: z.number().min(1).max(1e6).default(4),
      ...penalty,
    })
    .strict(),
  key: (spec) => {
    const m = spec.multiple;
    if (!(Number.isFinite(m) && m >= 1)) throw new PolicyConfigError(`budget-band multiple must be a finite number >= 1, got ${m}`);
    return { key: (doc) => toKey(penalised(doc, spec.lambda)), budgetMultiple: m };
  },
  flags: { multiple: 'multiple' },
  label: (spec) => [`band ${String(spec.multiple)}x budget`],
  thresholdAt: 'lowest',
  bandTopCut: true,
  reportedAt: 5,
});
