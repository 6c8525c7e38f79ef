import { z } from 'zod';
import { badRecordLogSchema } from '../corpus/index.ts';
import { fidelitySchema, learningCurveSchema } from '../proxy/index.ts';
import { policySchema } from '../select/index.ts';
import { tokenErrorsSchema } from '../tokens/index.ts';


const totals = z.object({ docs: z.number().int(), tokens: z.number() });

/**
 * The manifest's `quality` section: what the heuristic quality rules found (estimated tokens, as scored; counted before
 * deduplication) and what the policy left out and why, with the verdict the report opens with.
 */
export const manifestQualitySchema = z.object({
  /** `filter`: a document failing a rule is never selected; `off`: rules off in the spec (`rules.enabled: false`), none evaluated. */
  mode: z.enum(['filter', 'off']),
  /** The rules evaluated (catalog order). */
  rules: z.array(z.string()),
  /** Documents (and their estimated tokens) of the corpus failing any rule, and that share of its estimated tokens. */
  corpusFailing: totals.extend({ tokenShare: z.number() }),
  /** The same for the selection. */
  selectionFailing: totals.extend({ tokenShare: z.number() }),
  /** Per rule that a document failed: documents, estimated tokens and the first few ids (a document failing several counts for each). */
  byRule: z.array(totals.extend({ rule: z.string(), source: z.string(), examples: z.array(z.string()) })),
  /** Documents the policy left out, by reason (estimated tokens; duplicates included). */
  excluded: z.object({ rules: totals, filters: totals, untrusted: totals, band: totals }),
  /** `ok`, or `worse`: the selection fails the rules on a larger share of its tokens than the corpus does. */
  verdict: z.enum(['ok', 'worse']),
});

/** The manifest's `dedup` section: what duplicate removal found and removed. */
export const manifestDedupSchema = z.object({
  kind: z.enum(['exact', 'minhash']),
  params: z.record(z.string(), z.unknown()),
  partitions: z.number().int(),
  /** Verified pairs (exact: equal normalized text; minhash: estimated Jaccard >= threshold). */
  pairs: z.number().int(),
  clusters: z.number().int(),
  docsRemoved: z.number().int(),
  /** In the corpus's token unit: estimated from bytes unless the spec counts tokens exactly (`tokensEstimated`). */
  tokensRemoved: z.number(),
  tokensEstimated: z.boolean(),
  /** Clusters verified pairwise against kept representatives (too large, or emptying a work item). */
  guarded: z.object({ clusters: z.number().int(), docs: z.number().int(), kept: z.number().int() }),
  /** The largest clusters: documents, removed, the kept document's id and a removed example's id. */
  largest: z.array(
    z.object({
      docs: z.number().int(),
      removed: z.number().int(),
      kept: z.string(),
      example: z.string().nullable(),
      jaccard: z.number().nullable(),
      guard: z.enum(['size', 'item-share']).optional(),
    }),
  ),
});

/**
 * manifest.json: the run's result, deterministic (the same spec and seed give the same bytes), referring to its own
 * artifacts by keys relative to the output prefix. Times, host and output location go to run.json instead.
 */
export const manifestSchema = z
  .object({
  version: z.literal(1),
  name: z.string(),
  specHash: z.string(),
  corpus: z.object({
    shards: z.number().int(),
    items: z.number().int(),
    docs: z.number().int(),
    textBytes: z.number(),
    /** Tokens of every document: estimated by the token model (`tokenCount` "estimate"), or exact (`exactTokens`). */
    tokens: z.number(),
    tokenCount: z.enum(['estimate', 'exact']),
    badRecords: badRecordLogSchema,
    /** Shards left out or cut short because they could not be read (`corpus.onBadShard: "skip"`), with why. */
    skippedShards: z.array(z.object({ shard: z.string(), problem: z.string() })).optional(),
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
    /**
     * Labels the deployed ensemble trained on (all of them with the default `proxy.deployOn: "all"`). `fidelity` is
     * measured on the ensemble fitted without the held-out labels: an estimate of the deployed one's.
     */
    trainedOnLabels: z.number().int().optional(),
    fidelity: fidelitySchema.extend({ heldOut: z.number().int() }),

    /** Held-out Spearman with 25%, 50% and 100% of the training labels, and whether more labels would still help. */
    learningCurve: learningCurveSchema.optional(),
    spreadCalibration: z.unknown(),
    /**
     * The token-count model that estimates unsampled documents' tokens, and its errors on the held-out sample (fractions;
     * totalRelError signed, > 0 over-estimates): over all held-out documents, and over those each policy would select
     * at the budget's share. The single bytes->tokens ratio's errors sit beside them for comparison.
     */
    tokenEstimates: z.object({
      model: z.string(),
      fittedOn: z.number().int(),
      heldOut: tokenErrorsSchema,
      byPolicy: z.array(tokenErrorsSchema.extend({ policy: z.string() })),
      singleRatio: z.object({ tokensPerByte: z.number(), heldOut: tokenErrorsSchema }),
    }),
  }),
  policy: policySchema,
  threshold: z.unknown(),
  selected: z.object({
    docs: z.number().int(),
    /** Tokens of the selected documents: counted with the reference tokenizer (`tokenCount` "exact"), else estimated. */
    tokens: z.number(),
    tokenCount: z.enum(['exact', 'estimate']),
    /** The token model's estimate of the same documents. */
    estimatedTokens: z.number(),
    /** selected tokens (or docs) / budget: the real fill where `tokenCount` is "exact". */
    budgetFill: z.number(),
    /** estimatedTokens (or docs) / budget. */
    estimatedBudgetFill: z.number(),
    /**
     * The selection that fills the budget on estimated tokens alone (no exact counts): its documents, its estimated
     * tokens, and its real tokens (null when counts are estimates): what trusting the estimates would have given.
     */
    estimateOnly: z.object({ docs: z.number().int(), estimatedTokens: z.number(), tokens: z.number().nullable() }),
    /** Passes of the count stage over the boundary region (more than 1 when the region had to be widened). */
    countPasses: z.number().int(),
    /** Estimated tokens selected / the corpus's estimated tokens. */
    shareOfCorpusTokens: z.number(),
    /**
     * Present when the selection holds less than the budget because the policy keeps less than the budget (a budget is a
     * ceiling: documents the rules, the filters, the trust check or the band leave out are not taken to fill it):
     * what is missing, in the budget's unit, and the estimated tokens left out for each reason.
     */
    shortfall: z
      .object({
        amount: z.number(),
        share: z.number(),
        reason: z.string(),
      })
      .optional(),
    shards: z.array(
      z.object({
        item: z.string(),
        shard: z.string(),
        file: z.string(),
        docs: z.number().int(),
        tokens: z.number(),
        estimatedTokens: z.number(),
      }),
    ),
  }),
  /** Duplicate removal (absent when the spec's dedup.kind is "none"). */
  dedup: manifestDedupSchema.optional(),
  quality: manifestQualitySchema,
  artifacts: z.record(z.string(), z.string()),
  })
  .describe('manifest');
export type Manifest = z.infer<typeof manifestSchema>;
