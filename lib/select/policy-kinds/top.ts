import { z } from 'zod';
import { definePolicyKind, penalised, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/** `top`: the highest predicted loss first, score - lambda * std. */
export const top = definePolicyKind({
  kind: 'top',
  schema: z.object({ kind: z.literal('top'), ...penalty }).strict(),
  key: (spec) => ({ key: (doc) => toKey(penalised(doc, spec.lambda)) }),
  flags: {},
  label: () => [],
  thresholdAt: 'lowest',
  bandTopCut: false,
  reportedAt: 1,
});
