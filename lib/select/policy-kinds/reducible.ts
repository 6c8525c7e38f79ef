import { z } from 'zod';
import { definePolicyKind, penalised, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/**
 * `reducible`: score - lambda * std, where the proxy was trained on the reducible loss (target "reducible": large-model
 * loss minus small-model loss, as in RHO-LOSS), so its score already is the reducible loss.
 */
export const reducible = definePolicyKind({
  kind: 'reducible',
  schema: z.object({ kind: z.literal('reducible'), ...penalty }).strict(),
  key: (spec) => ({ key: (doc) => toKey(penalised(doc, spec.lambda)) }),
  flags: {},
  label: () => [],
  thresholdAt: 'lowest',
  bandTopCut: false,
  needsTarget: 'reducible',
});
