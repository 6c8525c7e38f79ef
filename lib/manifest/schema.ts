import { z } from 'zod';

const badRecordsSchema = z.object({
  count: z.number().int(),
  byReason: z.record(z.string(), z.number()),
  examples: z.array(z.object({ file: z.string(), line: z.number(), offset: z.number(), reason: z.string(), message: z.string() })),
});

/**
 * manifest.json: the run's result, deterministic (the same spec and seed give the same bytes), referring to its own
 * artifacts by keys relative to the output prefix. Times, host and output location go to run.json instead.
 */
export const manifestSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  specHash: z.string(),
  corpus: z.object({
    shards: z.number().int(),
    items: z.number().int(),
    docs: z.number().int(),
    textBytes: z.number(),
    /** Estimated with the bytes->tokens calibration. */
    tokens: z.number(),
    badRecords: badRecordsSchema,
  }),
  budget: z.object({
    form: z.enum(['tokens', 'fraction', 'docs', 'flops']),
    unit: z.enum(['tokens', 'docs']),
    /** The token budget (null when the budget counts documents). */
    tokens: z.number().nullable(),
    docs: z.number().nullable(),
    fraction: z.number().optional(),
    flops: z.number().optional(),
    modelParams: z.number().optional(),
  }),
  sample: z.object({ docs: z.number().int(), seed: z.number().int() }),
  reference: z.object({
    kind: z.string(),
    docs: z.number().int(),
    tokens: z.number(),
    /** UTF-8 bytes the reference's scored windows covered. */
    bytes: z.number(),
    /** Nats per token (token-weighted). */
    meanLoss: z.number(),
    /** Nats per byte: summed NLL / bytes of the scored windows. */
    meanLossPerByte: z.number(),
    meanSmallLoss: z.number().optional(),
    meanSmallLossPerByte: z.number().optional(),
  }),
  proxy: z.object({
    kind: z.string(),
    target: z.enum(['loss', 'reducible']),
    /** The unit of the proxy's target and predictions, and so of the policy's keys and threshold: nats per token or per byte. */
    lossUnit: z.enum(['token', 'byte']),
    members: z.number().int(),
    fidelity: z.object({
      spearman: z.number(),
      pearson: z.number(),
      r2: z.number(),
      topKAgreement: z.number(),
      topKFraction: z.number(),
      heldOut: z.number().int(),
    }),
    spreadCalibration: z.unknown(),
    tokenCalibration: z.object({
      tokensPerByte: z.number(),
      heldOutMeanAbsRelError: z.number(),
      heldOutTotalRelError: z.number(),
    }),
  }),
  policy: z.unknown(),
  threshold: z.unknown(),
  selected: z.object({
    docs: z.number().int(),
    tokens: z.number(),
    /** selected tokens (or docs) / budget. */
    budgetFill: z.number(),
    shareOfCorpusTokens: z.number(),
    shards: z.array(
      z.object({ item: z.string(), shard: z.string(), file: z.string(), docs: z.number().int(), tokens: z.number() }),
    ),
  }),
  artifacts: z.record(z.string(), z.string()),
});
export type Manifest = z.infer<typeof manifestSchema>;
