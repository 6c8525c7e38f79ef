import { z } from 'zod';
import { featureConfigSchema, fidelitySchema, learningCurveSchema, spreadCalibrationSchema } from '../proxy/index.ts';
import { tokenErrorsSchema, tokenModelSchema } from '../tokens/index.ts';
import type { ObjectStore } from '../store/index.ts';

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
    /**
     * Labels the deployed ensemble (proxy/model.onnx) trained on: every label (`proxy.deployOn: "all"`) or the training
     * split's. Fidelity is measured on the ensemble fitted on the training split alone. Absent in cards written before
     * `deployOn` existed (they trained on the split).
     */
    deployedOn: z.number().int().optional(),
    epochs: z.number().int(),
    l2: z.number(),
    seed: z.number().int(),
  }),
  /** Held-out fidelity, over `n` held-out documents. */
  fidelity: fidelitySchema.extend({ n: z.number().int() }),
  /**
   * Label-budget sizing: held-out Spearman of the proxy refitted on 25% and 50% of its training labels and of the proxy
   * itself (100%), the last doubling's gain, and whether more labels would still help.
   */
  learningCurve: learningCurveSchema.optional(),
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
  /**
   * What the labelled sample says about the predictions (lib/select SelectionContext): quantiles 0, 0.001, ..., 1 of the
   * predictions on the labelled documents that pass the quality rules (`labelledPassing` of them; the label-band's
   * place), and the trusted range and spread. Absent in cards written before it.
   */
  selection: z
    .object({
      passQuantiles: z.array(z.number()),
      labelledPassing: z.number().int().nonnegative(),
      minScore: z.number(),
      maxScore: z.number(),
      maxStd: z.number(),
      /** The quality rules that exclude a document (bits of the score files' `rules` column; 0: rules off). */
      ruleMask: z.number().int().nonnegative(),
    })
    .optional(),
  minSpearman: z.number(),
}).describe('proxy card');
export type ProxyCard = z.infer<typeof proxyCardSchema>;

export async function writeProxyCard(store: ObjectStore, uri: string, card: ProxyCard): Promise<void> {
  await store.writeJson(uri, card);
}

export async function readProxyCard(store: ObjectStore, uri: string): Promise<ProxyCard> {
  return store.readJson(uri, proxyCardSchema);
}

/**
 * proxy/held-out.json: the reference's and the proxy's values on the held-out split of the labelled sample, and the
 * ensemble's spread there: the evidence behind the card's fidelity figures (the report plots it).
 */
export const heldOutSchema = z.object({
  reference: z.array(z.number()),
  predicted: z.array(z.number()),
  spread: z.array(z.number()),
}).describe('held-out predictions file');
export type HeldOutPredictions = z.infer<typeof heldOutSchema>;
