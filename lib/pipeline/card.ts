import { z } from 'zod';
import { describeZodError } from '../job/load.ts';
import { featureConfigSchema, spreadCalibrationSchema } from '../proxy/index.ts';
import { tokenModelSchema } from '../tokens/index.ts';
import type { ObjectStore } from '../store/types.ts';

/** Errors of token estimates against exact counts (fractions; totalRelError is signed: > 0 over-estimates). */
export const tokenErrorsSchema = z.object({ n: z.number().int(), meanAbsRelError: z.number(), totalRelError: z.number() });
const policyTokenErrorsSchema = tokenErrorsSchema.extend({ policy: z.string() });

/** proxy/card.json: what the proxy is, how well it matches the reference, and how tokens are estimated. */
export const proxyCardSchema = z.object({
  version: z.literal(2),
  kind: z.enum(['hashed-ensemble', 'onnx']),
  target: z.enum(['loss', 'reducible']),
  /** The unit of the target, of every prediction and of scoreQuantiles: nats per token or per byte. */
  lossUnit: z.enum(['token', 'byte']),
  members: z.number().int().positive(),
  /** The featurizer's configuration: fit and score build the same featurizer from it. */
  features: featureConfigSchema,
  training: z.object({
    examples: z.number().int(),
    heldOut: z.number().int(),
    epochs: z.number().int(),
    l2: z.number(),
    seed: z.number().int(),
  }),
  fidelity: z.object({
    spearman: z.number(),
    pearson: z.number(),
    r2: z.number(),
    topKAgreement: z.number(),
    topKFraction: z.number(),
    n: z.number().int(),
  }),
  spreadCalibration: spreadCalibrationSchema,
  /**
   * The token-count model (lib/tokens) that estimates every document's tokens at score time, fitted on the training
   * split of the labelled sample (exact counts), and its errors on the held-out split: over all held-out documents, and
   * over those each policy would select at the budget's share. The single bytes->tokens ratio is kept beside it for
   * comparison.
   */
  tokens: z.object({
    model: tokenModelSchema,
    fittedOn: z.number().int(),
    heldOut: tokenErrorsSchema,
    byPolicy: z.array(policyTokenErrorsSchema),
    singleRatio: z.object({
      tokensPerByte: z.number(),
      heldOut: tokenErrorsSchema,
      byPolicy: z.array(policyTokenErrorsSchema),
    }),
  }),
  /** Quantiles 0, 0.001, ..., 1 of the proxy's predictions on the sample (band policy thresholds). */
  scoreQuantiles: z.array(z.number()),
  minSpearman: z.number(),
});
export type ProxyCard = z.infer<typeof proxyCardSchema>;

export async function writeProxyCard(store: ObjectStore, uri: string, card: ProxyCard): Promise<void> {
  await store.writeJson(uri, card);
}

export async function readProxyCard(store: ObjectStore, uri: string): Promise<ProxyCard> {
  const parsed = proxyCardSchema.safeParse(await store.readJson(uri));
  if (!parsed.success) throw new Error(`${uri}: not a valid proxy card: ${describeZodError(parsed.error).join('; ')}`);
  return parsed.data;
}

/**
 * proxy/held-out.json: the reference's and the proxy's values on the held-out split of the labelled sample, and the
 * ensemble's spread there: the evidence behind the card's fidelity figures (the report plots it).
 */
export const heldOutSchema = z.object({
  reference: z.array(z.number()),
  predicted: z.array(z.number()),
  spread: z.array(z.number()),
});
export type HeldOutPredictions = z.infer<typeof heldOutSchema>;
