import { z } from 'zod';
import { definePolicyKind, penalised, toKey } from '../policy-kind.ts';
import { penalty } from '../policy-spec.ts';

/**
 * `bottom`: -(score + lambda * std): the lowest predicted loss first (the documents most like the reference model's
 * text, as in perplexity filtering), an uncertain prediction counted as a higher loss.
 */
export const bottom = definePolicyKind({
  kind: 'bottom',
  /** Lowest predicted loss first: the documents most like the reference model's own text (perplexity filtering). */
  schema: z.object({ kind: z.literal('bottom'), ...penalty }).strict(),
  key: (spec) => ({ key: (doc) => toKey(-penalised(doc, -spec.lambda)) }),
  flags: {},
  label: () => [],
  thresholdAt: 'highest',
  bandTopCut: false,
  reportedAt: 3,
});
