import { z } from 'zod';
import { DEFAULT_DEDUP, dedupSchema } from './dedup-spec.ts';
import { locationOverlap } from '../store/index.ts';
import { platformVariableProblem } from './secrets.ts';
import { rulesSchema } from '../rules/index.ts';
import { policyKind, policySchema } from '../select/index.ts';

/** The policy's schema is its kinds' (lib/select/policy-kinds/): the spec names it here, with the rest. */
export { policySchema };
export type { FiltersSpec, PolicySpec } from '../select/index.ts';

/** One mebibyte: the floor of `corpus.maxItemBytes`. */
const MIB = 1024 * 1024;

/** Where a URI may point: `s3://bucket/prefix/`, `file:///abs/path/`, or a local path. */
const uri = z.string().min(1, 'must be a non-empty URI or path');

export const corpusSchema = z
  .object({
    uri,
    textField: z.string().min(1).default('text'),
    idField: z.string().min(1).default('id'),
    /** What to do with a bad record (invalid JSON, missing/non-string text, invalid UTF-8). */
    onBadRecord: z.enum(['skip', 'fail']).default('skip'),
    /**
     * What to do with a shard that cannot be read (truncated gzip/zstd, broken parquet): `fail` the run (absent: the
     * default, left out so that specs without it keep their hash), or `skip` it (named in the manifest).
     */
    onBadShard: z.enum(['fail', 'skip']).optional(),
    /** Uncompressed .jsonl shards larger than this are split into byte-range work items. */
    maxItemBytes: z.number().int().min(MIB, 'must be at least 1 MiB (1048576): a range smaller than one document cannot hold it').max(2 ** 40, 'must be at most 1 TiB (2^40)').default(256 * MIB),
  })
  .strict();

const BUDGET_FORMS = 'give exactly one of {"tokens": N}, {"fraction": F}, {"docs": N} or {"flops": C, "modelParams": N}';
const BUDGET_FIELDS = ['tokens', 'fraction', 'docs', 'flops', 'modelParams'];

/** A positive whole number within the range a double counts exactly, or why not. */
function wholeCountProblem(value: unknown, unit: string): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number of ${unit} (got ${JSON.stringify(value)})`;
  if (!Number.isInteger(value)) return `must be a whole number of ${unit} (got ${value})`;
  if (value <= 0) return `must be a positive number of ${unit} (got ${value})`;
  if (!Number.isSafeInteger(value)) return `must be at most ${Number.MAX_SAFE_INTEGER} ${unit} (got ${value})`;
  return undefined;
}

/**
 * Checks a budget with a message for each way it can be wrong (the union below would only say "Invalid input"): the
 * one form it must take, and each field's range.
 */
function checkBudget(value: unknown, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: string[] = []) => ctx.addIssue({ code: 'custom', path, message });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return issue(`expected an object: ${BUDGET_FORMS}`);
  const budget = value as Record<string, unknown>;
  const keys = Object.keys(budget);
  const unknown = keys.filter((k) => !BUDGET_FIELDS.includes(k));
  if (unknown.length > 0) return issue(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; ${BUDGET_FORMS}`);
  const forms = keys.filter((k) => k !== 'modelParams');
  if (forms.length !== 1) return issue(`${BUDGET_FORMS}; got ${keys.length > 0 ? keys.join(', ') : 'none'}`);
  const form = forms[0]!;
  if (form !== 'flops' && 'modelParams' in budget) return issue(`modelParams goes with flops only; ${BUDGET_FORMS}`, ['modelParams']);
  if (form === 'tokens' || form === 'docs') {
    const problem = wholeCountProblem(budget[form], form === 'tokens' ? 'tokens' : 'documents');
    if (problem) issue(problem, [form]);
    return;
  }
  if (form === 'fraction') {
    const f = budget.fraction;
    if (typeof f !== 'number' || !(f > 0 && f <= 1)) issue(`must be a share of the corpus's tokens, greater than 0 and at most 1 (got ${JSON.stringify(f)})`, ['fraction']);
    return;
  }
  const { flops, modelParams } = budget;
  if (typeof flops !== 'number' || !Number.isFinite(flops) || flops <= 0) issue(`must be a positive number of training FLOPs (got ${JSON.stringify(flops)})`, ['flops']);
  if (modelParams === undefined) return issue('is required with flops: the trained model\'s parameter count N (tokens D = C / 6N)', ['modelParams']);
  if (typeof modelParams !== 'number' || !Number.isFinite(modelParams) || modelParams <= 0) {
    return issue(`must be a positive parameter count (got ${JSON.stringify(modelParams)})`, ['modelParams']);
  }
  if (typeof flops === 'number' && flops > 0) {
    const tokens = Math.floor(flops / (6 * modelParams));
    const problem = wholeCountProblem(tokens, 'tokens');
    if (problem) issue(`gives D = C / 6N = ${tokens} tokens, which ${problem.replace(/^must be/, 'must be')}`, ['flops']);
  }
}

export const budgetSchema = z
  .unknown()
  .superRefine(checkBudget)
  .pipe(
    z.union([
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
    ]),
  );

export const sampleSchema = z
  .object({
    docs: z.number().int().min(10).max(1_000_000, 'must be at most 1000000 documents (the sample is labelled by the large model and held in memory by fit)').default(2000),
    seed: z.number().int().nonnegative().max(0xffffffff, 'must be at most 2^32 - 1 (seeds are 32-bit)').default(1),
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
    maxTokens: z.number().int().positive().max(131_072).default(1024),
    /** `truncate` scores the first maxTokens tokens; `sliding` covers the whole document in windows. */
    windows: z.enum(['truncate', 'sliding']).default('truncate'),
    stride: z.number().int().positive().max(131_072).optional(),
    batchSize: z.number().int().positive().max(1024).default(8),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
  })
  .strict();

export const openaiReferenceSchema = z
  .object({
    kind: z.literal('openai'),
    /** Base URL of an OpenAI-compatible server, e.g. http://localhost:8000/v1 */
    url: z.string().url(),
    model: z.string().min(1),
    /** Environment variable holding the API key (never the key itself); never a platform variable (secrets.ts). */
    apiKeyEnv: z
      .string()
      .default('OPENAI_API_KEY')
      .superRefine((name, ctx) => {
        const problem = platformVariableProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    flavor: z.enum(['vllm', 'tgi', 'llama.cpp']).default('vllm'),
    concurrency: z.number().int().positive().max(256).default(8),
    timeoutMs: z.number().int().min(100).max(3_600_000, 'must be at most 3600000 ms (one hour)').default(60_000),
    maxRetries: z.number().int().nonnegative().max(20).default(5),
    maxTokens: z.number().int().positive().max(131_072).default(1024),
  })
  .strict();

export const referenceSchema = z.discriminatedUnion('kind', [
  ngramReferenceSchema,
  onnxReferenceSchema,
  openaiReferenceSchema,
]);

/** The proxy's default L2 penalty (see `proxy.l2`). */
export const DEFAULT_L2 = 0.1;

/**
 * Hashed feature buckets per member by default: 2^17 (was 2^18). Measured 2026-12-02: the scorer's onnxruntime gather
 * reads each member's table at random, and 2^17 float32 weights (512 KiB) fit a core's L2 where 2^18 do not (session
 * 15.2 to 10.5 ns per id); the proxy refitted on the throughput bench's 4,000 labels with 2^18 / 2^17 / 2^16 buckets
 * held out Spearman 0.9161 / 0.9157 / 0.9153 (fit 84 / 48 / 29 CPU-s), and bench:downstream scored the default
 * policy 0.92 / 0.92 / 0.91, 0.93 / 0.93 / 0.94, 0.92 / 0.93 / 0.92 on its three junk mixes (random seeds spread
 * about 0.2). A sample with many more distinct n-grams than the demo's may gain from 2^18: set `proxy.buckets`.
 */
export const DEFAULT_BUCKETS = 1 << 17;

/**
 * Most hashed buckets per member: 2^24. The featurizer takes up to 2^30, but the ONNX graph holds members x buckets
 * float32 weights in one protobuf (at most 2 GiB); MAX_WEIGHTS bounds the product.
 */
export const MAX_BUCKETS = 1 << 24;
const MAX_WEIGHTS = 1 << 27;

export const proxySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('hashed-ensemble'),
      members: z.number().int().min(1).max(32).default(5),
      /** Hashed feature buckets per member (power of two); DEFAULT_BUCKETS says why 2^17. */
      buckets: z
        .number()
        .int()
        .min(1024, 'must be a power of two from 1024 (2^10) to 16777216 (2^24)')
        .max(MAX_BUCKETS, 'must be a power of two from 1024 (2^10) to 16777216 (2^24): the exported graph holds members x buckets float32 weights')
        .refine((n) => Number.isInteger(Math.log2(n)), 'must be a power of two from 1024 (2^10) to 16777216 (2^24)')
        .default(DEFAULT_BUCKETS),
      /** Share of the labelled sample held out to measure fidelity. */
      heldOut: z.number().gt(0).lt(0.9).default(0.2),
      epochs: z.number().int().positive().max(1000, 'must be at most 1000 (each epoch is a pass over the labelled sample)').default(30),
      /**
       * L2 penalty per training step (so per labelled document). 0.1 is measured by bench:downstream: with 100 labels it
       * raised the proxy's Spearman with the reference's per-byte loss over every document from 0.62 to 0.78 (10% junk)
       * and from 0.84 to 0.88 (33% junk) against 1e-4; 0.03-0.3 gave the same.
       */
      l2: z.number().nonnegative().max(1000).default(DEFAULT_L2),
      /**
       * What the deployed ensemble (proxy/model.onnx, which scores every document) trains on once its fidelity is
       * measured on the held-out split: `all` labels (default: the held-out ones too, a quarter more labels with the
       * default heldOut 0.2; the reported fidelity then describes the ensemble that never saw them) or only the training
       * `split`. bench:downstream measured `all` against `split`: see README's "Which policy".
       */
      deployOn: z.enum(['all', 'split']).default('all'),
      /** Warn loudly when held-out Spearman falls below this. */
      minSpearman: z.number().min(-1).max(1).default(0.7),
    })
    .strict()
    .refine((p) => p.buckets > MAX_BUCKETS || p.members * p.buckets <= MAX_WEIGHTS, {
      path: ['buckets'],
      message: `members x buckets must be at most ${MAX_WEIGHTS} (2^27 float32 weights, 512 MiB in the exported graph)`,
    }),
  z
    .object({
      kind: z.literal('onnx'),
      /** A user-provided proxy graph with the same inputs as the exported ensemble. */
      model: uri,
    })
    .strict(),
]);

const materializeFormatSchema = z.enum(['jsonl.gz', 'parquet']);

export const materializeSchema = z
  .object({
    /** One format, or several written side by side (`["jsonl.gz", "parquet"]`). */
    format: z.union([materializeFormatSchema, z.array(materializeFormatSchema).min(1)]).default('jsonl.gz'),
    /**
     * `all`: a selected document keeps its source record's other fields beside `id` and `text` (jsonl.gz; Parquet
     * holds id and text); `text`: `{id, text}` only.
     */
    fields: z.enum(['all', 'text']).default('all'),
  })
  .strict();

/** The formats the selected documents are written in, the first being the one the manifest names; empty for row lists. */
export function materializeFormats(materialize: boolean | z.output<typeof materializeSchema>): ('jsonl.gz' | 'parquet')[] {
  if (materialize === false) return [];
  if (materialize === true) return ['jsonl.gz'];
  return [...new Set(Array.isArray(materialize.format) ? materialize.format : [materialize.format])];
}

/** The format the selected documents are written in (the first of several), or null when the spec asks for row lists only. */
export function materializeFormat(materialize: boolean | z.output<typeof materializeSchema>): 'jsonl.gz' | 'parquet' | null {
  return materializeFormats(materialize)[0] ?? null;
}

/** Whether selected documents keep their source records' other fields. */
export function materializeKeepsFields(materialize: boolean | z.output<typeof materializeSchema>): boolean {
  return materialize === true || (materialize !== false && materialize.fields === 'all');
}

/**
 * Why an output location may not be used with this corpus, or undefined: inside the corpus prefix, equal to it, or
 * containing it, a second run would list its own artifacts (samples, scores, selections) as corpus shards.
 */
export function outputOverlapProblem(output: string, corpus: string): string | undefined {
  let relation: ReturnType<typeof locationOverlap>;
  try {
    relation = locationOverlap(output, corpus);
  } catch {
    return undefined; // an invalid URI is reported by the store when it is used
  }
  if (!relation) return undefined;
  const how = relation === 'same' ? 'is corpus.uri' : relation === 'inside' ? 'lies inside corpus.uri' : 'contains corpus.uri';
  return `"${output}" ${how} "${corpus}": a later run would read its own artifacts as corpus shards; write the output elsewhere`;
}

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
    /** Second, small reference scorer for the reducible-loss target (or give `targetText`). */
    smallReference: referenceSchema.optional(),
    /**
     * A small sample of the text you want more of (for example 1 MB): a .txt file or a folder of them. With target
     * "reducible" and no smallReference, the small reference is the embedded n-gram LM trained on it (RHO-LOSS /
     * CoLoR-Filter: large-model loss minus the loss of a model of the target text).
     */
    targetText: uri.optional(),
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
      buckets: DEFAULT_BUCKETS,
      heldOut: 0.2,
      epochs: 30,
      l2: DEFAULT_L2,
      deployOn: 'all',
      minSpearman: 0.7,
    }),
    /**
     * Default `label-band` (0 to 0.7, from 0.3; per the lossUnit), after the quality rules: chosen by its worst cell on
     * bench:downstream's junk (10, 33, 60%) x budget (2.5, 10, 25%) grid, 0.93, where the previous default
     * (`budget-band` x4) scored 0.70 even after the rules and the Gopher-rules peer 0.39 (docs/selection.md).
     */
    policy: policySchema.prefault({ kind: 'label-band' }),
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
    /**
     * Heuristic quality rules (Gopher quality and repetition, C4, FineWeb; lib/rules), run in the score stage's read
     * pass: a document that fails any enabled rule is never selected, and the manifest and report say per rule what it
     * removed. All on by default with their published thresholds; `{ "gopher.stop_words": false }` turns one off (that
     * one removes non-English text), `{ "enabled": false }` all.
     */
    rules: rulesSchema.prefault({}),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const overlap = outputOverlapProblem(spec.output, spec.corpus.uri);
    if (overlap) ctx.addIssue({ code: 'custom', path: ['output'], message: overlap });
    if (spec.target === 'reducible' && !spec.smallReference && spec.targetText === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['smallReference'],
        message: 'target "reducible" needs a smallReference scorer or a targetText (a sample of the text you want more of)',
      });
    }
    if (spec.smallReference && spec.targetText !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetText'],
        message: 'give either smallReference or targetText (the n-gram small reference is trained on it), not both',
      });
    }
    const small = smallReferenceOf(spec);
    if (spec.target === 'reducible' && spec.lossUnit === 'token' && small && small.kind !== spec.reference.kind) {
      ctx.addIssue({
        code: 'custom',
        path: ['lossUnit'],
        message:
          `the reducible target subtracts the small reference's loss from the large one's: per token, a ${small.kind} and a ` +
          `${spec.reference.kind} model count different tokens; use lossUnit "byte"`,
      });
    }
    if (spec.targetText !== undefined && spec.target !== 'reducible') {
      ctx.addIssue({
        code: 'custom',
        path: ['targetText'],
        message: 'targetText is used by target "reducible" only: set target to "reducible", or drop targetText',
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
    const needs = policyKind(spec.policy.kind).needsTarget;
    if (needs !== undefined && spec.target !== needs) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy', 'kind'],
        message: `policy "${spec.policy.kind}" needs target "${needs}" (and a smallReference)`,
      });
    }
  });

/**
 * The small reference of the reducible target: the spec's smallReference, else the embedded n-gram LM trained on
 * targetText; none when the spec has neither.
 */
export function smallReferenceOf(spec: Pick<JobSpec, 'smallReference' | 'targetText'>): ReferenceSpec | undefined {
  if (spec.smallReference) return spec.smallReference;
  if (spec.targetText !== undefined) return ngramReferenceSchema.parse({ kind: 'ngram', text: spec.targetText });
  return undefined;
}

export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type JobSpec = z.output<typeof jobSpecSchema>;
export type ReferenceSpec = z.output<typeof referenceSchema>;
export type NgramReferenceSpec = z.output<typeof ngramReferenceSchema>;
export type OnnxReferenceSpec = z.output<typeof onnxReferenceSchema>;
export type OpenAIReferenceSpec = z.output<typeof openaiReferenceSchema>;
export type ProxySpec = z.output<typeof proxySchema>;
export type { RulesSpec } from '../rules/index.ts';
export type BudgetSpec = z.output<typeof budgetSchema>;
export type { DedupSpec } from './dedup-spec.ts';
