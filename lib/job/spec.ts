import { z } from 'zod';
import { DEFAULT_DEDUP, dedupSchema } from './dedup-spec.ts';

/** Where a URI may point: `s3://bucket/prefix/`, `file:///abs/path/`, or a local path. */
const uri = z.string().min(1, 'must be a non-empty URI or path');

export const corpusSchema = z
  .object({
    uri,
    textField: z.string().min(1).default('text'),
    idField: z.string().min(1).default('id'),
    /** What to do with a bad record (invalid JSON, missing/non-string text, invalid UTF-8). */
    onBadRecord: z.enum(['skip', 'fail']).default('skip'),
    /** Uncompressed .jsonl shards larger than this are split into byte-range work items. */
    maxItemBytes: z.number().int().positive().default(256 * 1024 * 1024),
  })
  .strict();

export const budgetSchema = z.union([
  z.object({ tokens: z.number().int().positive() }).strict(),
  z.object({ fraction: z.number().gt(0).lte(1) }).strict(),
  z.object({ docs: z.number().int().positive() }).strict(),
  z
    .object({
      /** Training compute in FLOPs; tokens D = C / (6 N). */
      flops: z.number().positive(),
      modelParams: z.number().positive(),
    })
    .strict(),
]);

export const sampleSchema = z
  .object({
    docs: z.number().int().min(10).default(2000),
    seed: z.number().int().nonnegative().default(1),
  })
  .strict();

export const ngramReferenceSchema = z
  .object({
    kind: z.literal('ngram'),
    /** Reference text the LM is trained on: a .txt file, or a folder/prefix of .txt files. */
    text: uri,
    order: z.number().int().min(3).max(6).default(3),
  })
  .strict();

export const onnxReferenceSchema = z
  .object({
    kind: z.literal('onnx'),
    /** Folder in the Hugging Face / Optimum layout: model.onnx, tokenizer.json, config.json. */
    model: uri,
    maxTokens: z.number().int().positive().default(1024),
    /** `truncate` scores the first maxTokens tokens; `sliding` covers the whole document in windows. */
    windows: z.enum(['truncate', 'sliding']).default('truncate'),
    stride: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().default(8),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
  })
  .strict();

export const openaiReferenceSchema = z
  .object({
    kind: z.literal('openai'),
    /** Base URL of an OpenAI-compatible server, e.g. http://localhost:8000/v1 */
    url: z.string().url(),
    model: z.string().min(1),
    /** Environment variable holding the API key (never the key itself). */
    apiKeyEnv: z.string().default('OPENAI_API_KEY'),
    flavor: z.enum(['vllm', 'tgi', 'llama.cpp']).default('vllm'),
    concurrency: z.number().int().positive().default(8),
    timeoutMs: z.number().int().positive().default(60_000),
    maxRetries: z.number().int().nonnegative().default(5),
    maxTokens: z.number().int().positive().default(1024),
  })
  .strict();

export const referenceSchema = z.discriminatedUnion('kind', [
  ngramReferenceSchema,
  onnxReferenceSchema,
  openaiReferenceSchema,
]);

export const proxySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('hashed-ensemble'),
      members: z.number().int().min(1).max(32).default(5),
      /** Hashed feature buckets per member (power of two). */
      buckets: z
        .number()
        .int()
        .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two >= 1024')
        .default(1 << 18),
      /** Share of the labelled sample held out to measure fidelity. */
      heldOut: z.number().gt(0).lt(0.9).default(0.2),
      epochs: z.number().int().positive().default(30),
      l2: z.number().nonnegative().default(1e-4),
      /** Warn loudly when held-out Spearman falls below this. */
      minSpearman: z.number().min(-1).max(1).default(0.7),
    })
    .strict(),
  z
    .object({
      kind: z.literal('onnx'),
      /** A user-provided proxy graph with the same inputs as the exported ensemble. */
      model: uri,
    })
    .strict(),
]);

export const filtersSchema = z
  .object({
    minChars: z.number().int().nonnegative().optional(),
    maxChars: z.number().int().positive().optional(),
    minWords: z.number().int().nonnegative().optional(),
    maxWords: z.number().int().positive().optional(),
  })
  .strict();

export const materializeSchema = z
  .object({ format: z.enum(['jsonl.gz', 'parquet']).default('jsonl.gz') })
  .strict();

/** The format the selected documents are written in, or null when the spec asks for row lists only. */
export function materializeFormat(materialize: boolean | z.output<typeof materializeSchema>): 'jsonl.gz' | 'parquet' | null {
  if (materialize === false) return null;
  return materialize === true ? 'jsonl.gz' : materialize.format;
}

const penalty = { lambda: z.number().nonnegative().default(0), filters: filtersSchema.default({}) };

export const policySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('top'), ...penalty }).strict(),
  /** Lowest predicted loss first: the documents most like the reference model's own text (perplexity filtering). */
  z.object({ kind: z.literal('bottom'), ...penalty }).strict(),
  z
    .object({
      kind: z.literal('band'),
      /** Drop predictions above this upper quantile (estimated on the sample): mostly noise. */
      dropTopQuantile: z.number().min(0).lt(1).default(0.1),
      dropBottomQuantile: z.number().min(0).lt(1).default(0),
      ...penalty,
    })
    .strict(),
  z
    .object({
      kind: z.literal('budget-band'),
      /**
       * The band is the documents of lowest predicted loss holding `multiple` x the budget; the highest-predicted of
       * those fill the budget. So the top (1 - multiple x budget share) of the corpus is never taken.
       */
      multiple: z.number().min(1).default(3),
      ...penalty,
    })
    .strict(),
  z.object({ kind: z.literal('reducible'), ...penalty }).strict(),
  z
    .object({
      kind: z.literal('sample'),
      temperature: z.number().positive().default(0.25),
      ...penalty,
    })
    .strict(),
]);

export const jobSpecSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ".", "_" and "-" only (max 128)'),
    corpus: corpusSchema,
    output: uri,
    budget: budgetSchema,
    sample: sampleSchema.default({ docs: 2000, seed: 1 }),
    reference: referenceSchema,
    /** Second, small reference scorer: needed for the reducible-loss target. */
    smallReference: referenceSchema.optional(),
    /** What the proxy learns: the large model's loss, or large minus small (RHO-LOSS, CoLoR-Filter). */
    target: z.enum(['loss', 'reducible']).default('loss'),
    /**
     * The unit of the loss the proxy learns and the policies key on: nats per `byte` of text (tokenizer-independent:
     * number tables and base64 are cheap per token but costly per byte) or nats per `token` of the reference tokenizer.
     */
    lossUnit: z.enum(['token', 'byte']).default('byte'),
    proxy: proxySchema.default({
      kind: 'hashed-ensemble',
      members: 5,
      buckets: 1 << 18,
      heldOut: 0.2,
      epochs: 30,
      l2: 1e-4,
      minSpearman: 0.7,
    }),
    policy: policySchema.default({ kind: 'bottom', lambda: 0, filters: {} }),
    /**
     * Write the selected documents (`{id, text}`) as shards: `true` or `{ format: "jsonl.gz" }` as gzipped JSON Lines,
     * `{ format: "parquet" }` as Parquet (what Hugging Face datasets and datatrove load directly); `false` writes only
     * row lists (id, row, byte offset) into the source shards.
     */
    materialize: z.union([z.boolean(), materializeSchema]).default(true),
    /** Count tokens of every document exactly with the reference tokenizer instead of calibrating bytes->tokens. */
    exactTokens: z.boolean().default(false),
    /**
     * Optional JSONL(.gz) file of `{id, category}` lines describing the corpus (for example its sources): the report
     * then shows the selection's composition by category against the corpus's. Never used to select.
     */
    labels: uri.optional(),
    /**
     * Duplicate removal before selection, keeping in each cluster the copy the policy ranks best: `exact` (normalized
     * text), `minhash` (near duplicates by MinHash LSH) or `none`.
     */
    dedup: dedupSchema.prefault(DEFAULT_DEDUP),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.target === 'reducible' && !spec.smallReference) {
      ctx.addIssue({
        code: 'custom',
        path: ['smallReference'],
        message: 'target "reducible" needs a smallReference scorer',
      });
    }
    if (spec.exactTokens && spec.reference.kind === 'openai') {
      ctx.addIssue({
        code: 'custom',
        path: ['exactTokens'],
        message: 'exact token counts need the reference tokenizer locally: available for "ngram" and "onnx" references, not "openai"',
      });
    }
    if (spec.proxy.kind === 'onnx') {
      ctx.addIssue({
        code: 'custom',
        path: ['proxy', 'kind'],
        message: 'a user-provided ONNX proxy is not supported yet (it needs its own featurizer contract); use "hashed-ensemble"',
      });
    }
    if (spec.policy.kind === 'reducible' && spec.target !== 'reducible') {
      ctx.addIssue({
        code: 'custom',
        path: ['policy', 'kind'],
        message: 'policy "reducible" needs target "reducible" (and a smallReference)',
      });
    }
  });

export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type JobSpec = z.output<typeof jobSpecSchema>;
export type ReferenceSpec = z.output<typeof referenceSchema>;
export type NgramReferenceSpec = z.output<typeof ngramReferenceSchema>;
export type OnnxReferenceSpec = z.output<typeof onnxReferenceSchema>;
export type OpenAIReferenceSpec = z.output<typeof openaiReferenceSchema>;
export type ProxySpec = z.output<typeof proxySchema>;
export type PolicySpec = z.output<typeof policySchema>;
export type FiltersSpec = z.output<typeof filtersSchema>;
export type BudgetSpec = z.output<typeof budgetSchema>;
export type { DedupSpec } from './dedup-spec.ts';
