/**
 * The shapes of a run's small JSON files, as the stages write them and read them back (`store.readJson(uri, schema)`).
 * Each schema's description names the file in error messages. Key order follows the writers', so reading a file and
 * writing a value taken from it keeps its bytes.
 */
import { z } from 'zod';
import { badRecordLogSchema } from '../corpus/index.ts';
import { planBudgetSchema, policySchema, resolvedBudgetSchema } from '../job/index.ts';
import { manifestDedupSchema } from '../manifest/index.ts';
import { keyHistogramSchema, thresholdSchema } from '../select/index.ts';

/** sample/stats.json: what the sample pass saw of the whole corpus. */
export const sampleStatsSchema = z
  .object({ sampled: z.number().int().nonnegative(), corpusDocs: z.number().int().nonnegative(), corpusTextBytes: z.number().nonnegative() })
  .describe('sample stats file');
export type SampleStats = z.infer<typeof sampleStatsSchema>;

/** reference/stats.json: mean losses of the labelled sample, per token (token-weighted) and per byte. */
export const referenceStatsSchema = z
  .object({
    docs: z.number().int().nonnegative(),
    tokens: z.number().nonnegative(),
    /** UTF-8 bytes the scored windows covered. */
    bytes: z.number().nonnegative(),
    /** Nats per token. */
    meanLoss: z.number(),
    /** Nats per byte: summed NLL / summed bytes of the scored windows. */
    meanLossPerByte: z.number(),
    meanSmallLoss: z.number().optional(),
    meanSmallLossPerByte: z.number().optional(),
  })
  .describe('reference stats file');
export type ReferenceStats = z.infer<typeof referenceStatsSchema>;

const totals = z.object({ docs: z.number().int().nonnegative(), tokens: z.number().nonnegative() });

/** Why documents were left out (ExclusionReason of lib/select): quality rules, length filters, untrusted prediction, outside the band. */
export const exclusionsSchema = z.object({ rules: totals, filters: totals, untrusted: totals, band: totals });
export type Exclusions = z.infer<typeof exclusionsSchema>;

/** What the quality rules removed: per rule (catalog order) and in all. */
export const ruleTotalsSchema = z.object({
  failedAny: totals,
  byRule: z.array(totals.extend({ rule: z.string(), examples: z.array(z.string()) })),
});
export type RuleTotals = z.infer<typeof ruleTotalsSchema>;

/** scores/<item>.hist.json: what one item holds, and its token-weighted histogram of policy keys. */
export const itemHistogramFileSchema = z
  .object({
    item: z.string(),
    docs: z.number().int().nonnegative(),
    textBytes: z.number().nonnegative(),
    tokens: z.number().nonnegative(),
    /** Documents the policy excluded (filters, band tails). */
    excluded: z.object({ docs: z.number().int().nonnegative(), tokens: z.number().nonnegative() }),
    /** The excluded documents by reason (duplicates included: counted before deduplication). */
    exclusions: exclusionsSchema.optional(),
    /**
     * Per quality rule that removed anything: the documents and tokens that fail it (a document failing several counts
     * for each) and the first few ids; and the documents failing any rule.
     */
    rules: ruleTotalsSchema.optional(),
    histogram: keyHistogramSchema,
    badRecords: badRecordLogSchema,
  })
  .describe('histogram file');
export type ItemHistogramFile = z.infer<typeof itemHistogramFileSchema>;

/** What the policy saw of the corpus: documents and tokens (estimated ones, as scored), and what it excluded. */
export const corpusTotalsSchema = z.object({
  docs: z.number().int(),
  tokens: z.number(),
  excludedDocs: z.number().int(),
  excludedTokens: z.number(),
  /** Duplicates the dedup stage removed (never selected, not counted as excluded). */
  removedDocs: z.number().int(),
  removedTokens: z.number(),
});
export type CorpusTotals = z.infer<typeof corpusTotalsSchema>;

const tokenCountSchema = z.enum(['exact', 'estimate']);

/**
 * budget/estimate.json (reduce; settle widens it): the cuts on estimated tokens. `estimate` fills the budget on
 * estimates alone; `lower` and `upper` fill (1 - margin) and (1 + margin) of it: documents up to `lower` are
 * selected for sure, those between `lower` and `upper` are the boundary region the count stage lists with their exact
 * tokens, and settle moves the cut over that region by exact counts. With a margin of 0 (budgets in documents, or token
 * counts that are estimates or already exact) all three are the same cut.
 */
export const estimateFileSchema = z
  .object({
    /** Reduce's overrides (re-selection), so a widened pass recomputes the same cuts. */
    input: z.object({ budget: planBudgetSchema.optional(), policy: policySchema.optional() }),
    policy: policySchema,
    budget: resolvedBudgetSchema,
    corpus: corpusTotalsSchema,
    /** Whether the count stage counts exactly (a local reference tokenizer) or keeps the estimates. */
    tokenCount: tokenCountSchema,
    /** Pass over the boundary region: 0 first, then one more each time settle had to widen it. */
    attempt: z.number().int().nonnegative(),
    /** Share of the budget on each side of `estimate` (null: unbounded, the whole candidate list is the region). */
    margin: z.number().nonnegative().nullable(),
    estimate: thresholdSchema,
    lower: thresholdSchema,
    upper: thresholdSchema,
  })
  .describe('budget estimate file');
export type EstimateFile = z.infer<typeof estimateFileSchema>;

/** threshold.json: the policy and budget as resolved, and the threshold that fills the budget (in real tokens). */
export const thresholdFileSchema = z
  .object({
    policy: policySchema,
    budget: resolvedBudgetSchema,
    corpus: corpusTotalsSchema,
    /** Whether `threshold.expected.tokens` (and the selection's tokens) are exact counts or estimates. */
    tokenCount: tokenCountSchema,
    threshold: thresholdSchema,
    /** The cut that filled the budget on estimated tokens alone, and its exact tokens (null when counts are estimates). */
    estimateOnly: z.object({ threshold: thresholdSchema, tokens: z.number().nullable() }),
    /** Passes over the boundary region it took to settle the cut. */
    passes: z.number().int().positive(),
  })
  .describe('threshold file');
export type ThresholdFile = z.infer<typeof thresholdFileSchema>;

/**
 * budget/counts/<item>.json: what settle needs of one item. `certain`: the documents up to the lower cut (selected
 * whatever the exact counts say), summed; `region`: each document between the lower and the upper cut as
 * [bin, hash, row, tokens, estimated tokens], tokens exact when `exact`.
 */
export const itemCountsSchema = z
  .object({
    item: z.string(),
    exact: z.boolean(),
    certain: z.object({ docs: z.number().int(), tokens: z.number(), estimatedTokens: z.number() }),
    region: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number(), z.number()])),
  })
  .describe('counts file');
export type ItemCounts = z.infer<typeof itemCountsSchema>;

/**
 * budget/counts/<item>.tokens.json: the tokens of every candidate document (up to the upper cut) by row, counted once
 * per item version and tokenizer: select sums the selected rows' from it, and a later pass (a widened region, a
 * re-selection) reuses them instead of tokenizing again.
 */
export const countedTokensSchema = z
  .object({
    item: z.string(),
    /** Identifies what the counts depend on: the item's version, the reference tokenizer, the read options. */
    source: z.string(),
    exact: z.boolean(),
    rows: z.array(z.number().int()),
    tokens: z.array(z.number().int().nonnegative()),
  })
  .describe('counted-tokens file');
export type CountedTokens = z.infer<typeof countedTokensSchema>;

/** selected/<item>.json: what one item contributed to the selection. */
export const selectedStatsSchema = z
  .object({
    item: z.string(),
    /** The shard the documents come from, relative to the corpus prefix. */
    shard: z.string(),
    docs: z.number().int().nonnegative(),
    /** Tokens of the selected documents: exact counts where the reference tokenizer is local (`tokenCount`). */
    tokens: z.number().nonnegative(),
    /** The token model's estimate of the same documents. */
    estimatedTokens: z.number().nonnegative(),
    /** Key of the materialized documents (or of the row list), relative to the output prefix. */
    file: z.string(),
    /** Selected documents that fail a quality rule (the score file's `rules` column) and their estimated tokens. */
    failingRules: z.object({ docs: z.number().int().nonnegative(), estimatedTokens: z.number().nonnegative() }).optional(),
  })
  .describe('selection stats file');
export type SelectItemOutput = z.infer<typeof selectedStatsSchema>;

/** dedup/removed/<item>.json: the rows of one item that deduplication removed, with their policy keys and tokens. */
export const removedFileSchema = z
  .object({
    item: z.string(),
    rows: z.array(z.number().int().nonnegative()),
    keys: z.array(z.number().nullable()),
    tokens: z.array(z.number().nonnegative()),
  })
  .describe('removal list');
export type RemovedFile = z.infer<typeof removedFileSchema>;

/** dedup/summary.json: what deduplication found (the manifest's `dedup` section), and which items lost documents. */
export const dedupSummarySchema = manifestDedupSchema
  .omit({ tokensEstimated: true })
  .extend({
    /** Items with a removal list (dedup/removed/<item>.json), in plan order. */
    itemsWithRemovals: z.array(z.string()),
  })
  .describe('dedup summary');
export type DedupSummary = z.infer<typeof dedupSummarySchema>;

/** Size and content hash of one file a unit wrote (key relative to the output prefix). */
export const outputDigestSchema = z.object({ key: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type OutputDigest = z.infer<typeof outputDigestSchema>;

/** The sample stage's output for one item, as its marker records it (merge sample sums the corpus size from it). */
export const sampleItemOutputSchema = z
  .object({
    item: z.string(),
    /** Documents kept in the sample. */
    sampled: z.number().int().nonnegative(),
    /** Good documents the item holds, and their text bytes: the corpus size as the pipeline sees it. */
    docs: z.number().int().nonnegative(),
    textBytes: z.number().nonnegative(),
    /** Records without the spec's text field, and the field names of the first of them (to say which one was meant). */
    missingText: z.number().int().nonnegative().optional(),
    recordFields: z.array(z.string()).optional(),
  })
  .strict();
export type SampleItemOutput = z.infer<typeof sampleItemOutputSchema>;

/**
 * plan/done/<stage>/<unit>.json: written after a unit's outputs. `fingerprint` identifies everything the unit read;
 * `outputs` the size and sha256 of every file it wrote; `output` is what the stage function returned.
 */
export const unitMarkerSchema = z
  .object({ version: z.literal(2), fingerprint: z.string(), outputs: z.array(outputDigestSchema), output: z.unknown() })
  .strict()
  .describe('completion marker');
export type UnitMarker = z.infer<typeof unitMarkerSchema>;

/** One stage's wall time in run.json (and the CLI's summary table). */
export const stageTimingSchema = z.object({
  stage: z.string(),
  seconds: z.number(),
  /** What the stage processed, for the summary table. */
  detail: z.string(),
});
export type StageTiming = z.infer<typeof stageTimingSchema>;

/**
 * run.json, written by the local runner: where and when the run happened (what the manifest leaves out to stay
 * deterministic). A cloud run has none: its timings are in Step Functions.
 */
export const runFileSchema = z
  .object({
    name: z.string().optional(),
    output: z.string().optional(),
    corpus: z.string().optional(),
    host: z.string().optional(),
    node: z.string().optional(),
    workers: z.number().optional(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    stages: z.array(stageTimingSchema),
  })
  .describe('run file');
export type RunFile = z.infer<typeof runFileSchema>;

/** plan/dedup-partitions.json: the dedup stage's map items, one per partition. */
export const dedupPartitionListSchema = z.array(z.object({ partition: z.number().int().nonnegative() })).describe('dedup partition list');

/** plan/dedup-groups.json: the dedup gather stage's map items, one per group of consecutive work items. */
export const dedupGroupListSchema = z.array(z.object({ group: z.number().int().nonnegative() })).describe('dedup gather group list');
export const dedupMergeListSchema = z.array(z.object({ merge: z.number().int().nonnegative() })).describe('dedup merged group list');

/** _FAILED (and `<spec>.FAILED`): why a run failed. */
export const failureRecordSchema = z
  .object({ error: z.string(), cause: z.string(), specUri: z.string().optional(), output: z.string().optional() })
  .describe('failure record');
export type FailureRecord = z.infer<typeof failureRecordSchema>;

/** selected/<item>.rows.json (when the spec does not materialize): the selected documents' ids, rows and offsets. */
export const selectedRowListSchema = z
  .object({
    item: z.string(),
    shard: z.string(),
    range: z.object({ start: z.number().int().nonnegative(), end: z.number().int().positive() }).nullable(),
    rows: z.array(z.object({ id: z.string(), row: z.number().int().nonnegative(), offset: z.number() })),
  })
  .describe('selected row list');
export type SelectedRowList = z.infer<typeof selectedRowListSchema>;

/** The run lock `_LOCK` (run-lock.ts): who writes the output now. */
export const runLockSchema = z
  .object({
    token: z.string(),
    host: z.string(),
    pid: z.number(),
    command: z.string(),
    startedAt: z.string(),
    heartbeatAt: z.string(),
    /** A holder that writes no heartbeat (a state machine execution) says how long its lock holds without one. */
    staleAfterMs: z.number().positive().optional(),
  })
  .describe('run lock (_LOCK)');
export type RunLockOwner = z.output<typeof runLockSchema>;

/** `plan/content.json`: content hashes of local shards (pipeline/content-versions.ts). */
export const contentCacheSchema = z
  .record(
    z.string(),
    z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number(), ino: z.number(), sha256: z.string() }).strict(),
  )
  .describe('content hashes of local shards (plan/content.json)');
export type ContentCache = z.output<typeof contentCacheSchema>;
