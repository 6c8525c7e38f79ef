/** `proxysel estimate`: its flags parsed here (the CLI's), the cost model in lib/cost. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CLOUD_DEFAULTS, SPEC_DEFAULTS, parseJobSpecText, resolveSpecPaths, specBaseDir, type JobSpec } from '../job/index.ts';
import { createTokenCounter, hasLocalTokenizer } from '../reference/index.ts';
import {
  CostInputError,
  estimateCost,
  formatBytes,
  formatEstimate,
  inputsFromThroughput,
  parseSize,
  readThroughputFile,
  sampleCorpus,
  THROUGHPUT_FILE,
  type CorpusSample,
  type CostInput,
} from '../cost/index.ts';
import { createStore, s3OptionsFromEnv } from '../store/index.ts';
import { joinNegativeValues } from './args.ts';

/** Usage of `proxysel estimate` (also shown in the main usage). */
export const ESTIMATE_USAGE = `proxysel estimate (--corpus-bytes SIZE | --corpus <uri> | --spec <job.json>) [options]
      expected scoring time and cost on Lambda, the reference pass's GPU hours, and the cost of the large model on
      everything; scorer throughput from bench/results/throughput.json (npm run bench) or measured defaults. Defaults
      are the spec's and the stack's (sample docs, items per invocation, memory, concurrency).
      --corpus <uri>   reads a few shards whole (spread over the listing) and scales their documents, bytes and tokens
      --spec <job.json>   the job's corpus, text field, sample size, dedup and reference tokenizer (counts the tokens)
      --text-field F (text)   --compression-ratio R   uncompressed/stored (default: the bench corpus's)   --doc-bytes B
      --tokens-per-byte T (0.25)   --scorer-mbps M (per core)   --shard-bytes SIZE (${formatBytes(SPEC_DEFAULTS.maxItemBytes)})
      --items-per-invocation N (${CLOUD_DEFAULTS.scoreItemsPerBatch})   --lambda-memory-mb M (${CLOUD_DEFAULTS.scoreMemoryMb})   --concurrency C (${CLOUD_DEFAULTS.maxConcurrency})
      --sample-docs N (${SPEC_DEFAULTS.sampleDocs})   --gpu-tokens-per-second T (10000)
      --price-gb-second, --price-request, --price-transition, --price-get, --price-put, --price-gpu-hour (USD)
      --dedup none|exact|minhash   the job's duplicate removal (default exact)   --duplicate-share S (0.1)   documents that are copies
      --throughput <file>   another bench result file
`;

const NUMBER_FLAGS = {
  'compression-ratio': 'compressionRatio',
  'doc-bytes': 'docBytes',
  'tokens-per-byte': 'tokensPerByte',
  'items-per-invocation': 'itemsPerInvocation',
  'lambda-memory-mb': 'lambdaMemoryMb',
  concurrency: 'concurrency',
  'sample-docs': 'sampleDocs',
  'gpu-tokens-per-second': 'gpuTokensPerSecond',
  'duplicate-share': 'duplicateShare',
} as const;

const PRICE_FLAGS = {
  'price-gb-second': 'lambdaGbSecond',
  'price-request': 'lambdaRequest',
  'price-transition': 'sfnTransition',
  'price-get': 's3Get',
  'price-put': 's3Put',
  'price-gpu-hour': 'gpuHour',
} as const;

function num(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CostInputError(`--${flag}: "${text}" is not a number`);
  if (!(v > 0)) throw new CostInputError(`--${flag}: "${text}" must be a positive number`);
  return v;
}

/** The job spec given with --spec, its relative paths resolved against its folder. */
async function loadSpec(path: string): Promise<JobSpec> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CostInputError(`--spec ${path}: cannot read the job spec (${e.code ?? e.message})`);
  });
  return resolveSpecPaths(parseJobSpecText(text, path), specBaseDir(path));
}

/** The printout's first line for a sampled corpus. */
function describeSample(uri: string, s: CorpusSample): string {
  const count = (v: number) => Math.round(v).toLocaleString('en-US');
  return (
    `sampled ${uri}: ${s.sampledShards} of ${s.shards} shard(s), ${formatBytes(s.sampledStoredBytes)} of ${formatBytes(s.storedBytes)} stored, ` +
    `read whole: ${count(s.sampled.docs)} documents, ${count(s.sampled.tokens)} tokens (${s.tokensFrom}); ` +
    `scaled by stored bytes: ~${count(s.estimated.docs)} documents, ~${count(s.estimated.tokens)} tokens`
  );
}

/** `proxysel estimate ...`: parses the flags, runs the cost model and returns the printout. */
export async function estimateCommand(args: string[]): Promise<string> {
  const options: Record<string, { type: 'string' }> = {
    'corpus-bytes': { type: 'string' },
    corpus: { type: 'string' },
    spec: { type: 'string' },
    'text-field': { type: 'string' },
    'scorer-mbps': { type: 'string' },
    'shard-bytes': { type: 'string' },
    throughput: { type: 'string' },
    dedup: { type: 'string' },
  };
  for (const f of [...Object.keys(NUMBER_FLAGS), ...Object.keys(PRICE_FLAGS)]) options[f] = { type: 'string' };
  let values: Record<string, string | undefined>;
  try {
    const joined = joinNegativeValues(args, Object.keys(options));
    ({ values } = parseArgs({ args: joined, options, allowPositionals: false }) as { values: Record<string, string | undefined> });
  } catch (e) {
    throw new CostInputError(`proxysel estimate: ${(e as Error).message}\n\n${ESTIMATE_USAGE}`);
  }
  const spec = values.spec !== undefined ? await loadSpec(values.spec) : undefined;
  const corpusUri = values.corpus ?? (values['corpus-bytes'] === undefined ? spec?.corpus.uri : undefined);
  if (values['corpus-bytes'] === undefined && corpusUri === undefined) {
    throw new CostInputError(`proxysel estimate: give --corpus-bytes SIZE (e.g. 10TB), --corpus <uri> or --spec <job.json>\n\n${ESTIMATE_USAGE}`);
  }
  let sample: CorpusSample | undefined;
  if (corpusUri !== undefined) {
    const store = createStore({ s3: s3OptionsFromEnv() });
    const counter = spec && hasLocalTokenizer(spec.reference) ? await createTokenCounter(spec.reference, { store }) : undefined;
    const tokensPerTextByte = values['tokens-per-byte'] !== undefined ? num('tokens-per-byte', values['tokens-per-byte']) : undefined;
    sample = await sampleCorpus(corpusUri, {
      store,
      textField: values['text-field'] ?? spec?.corpus.textField ?? 'text',
      ...(counter && tokensPerTextByte === undefined ? { countTokens: (t: string) => counter.count(t), tokensFrom: counter.description } : {}),
      ...(tokensPerTextByte !== undefined ? { tokensPerTextByte } : {}),
    });
    if (sample.sampled.docs === 0) {
      throw new CostInputError(`--corpus ${corpusUri}: the sampled shards hold no document with a "${values['text-field'] ?? spec?.corpus.textField ?? 'text'}" field`);
    }
  }
  const input: CostInput = {
    corpusBytes: values['corpus-bytes'] !== undefined ? parseSize(values['corpus-bytes'], '--corpus-bytes') : sample!.storedBytes,
    ...(spec ? { sampleDocs: spec.sample.docs, dedupKind: spec.dedup.kind } : {}),
  };
  const path = values.throughput ?? THROUGHPUT_FILE;
  const measured = await readThroughputFile(path);
  let source = 'documented default measured on the development machine';
  if (measured) {
    Object.assign(input, inputsFromThroughput(measured));
    source = `measured ${measured.measuredAt.slice(0, 10)}, ${values.throughput ?? 'bench/results/throughput.json'}`;
  } else if (values.throughput) throw new CostInputError(`--throughput ${values.throughput}: file not found`);
  if (values['scorer-mbps'] !== undefined) {
    input.scorerBytesPerCoreSecond = num('scorer-mbps', values['scorer-mbps']) * 1e6;
    source = '--scorer-mbps';
  }
  if (sample) {
    // What the corpus's own shards hold, in place of the bench corpus's figures (flags below still override).
    input.compressionRatio = sample.sampled.jsonlBytes / sample.sampledStoredBytes;
    input.docBytes = sample.sampled.jsonlBytes / sample.sampled.docs;
    input.tokensPerByte = sample.sampled.tokens / sample.sampled.jsonlBytes;
    input.shardBytes = sample.storedBytes / sample.shards; // one work item per listed shard (compressed ones are never split)
  }
  if (values['shard-bytes'] !== undefined) input.shardBytes = parseSize(values['shard-bytes'], '--shard-bytes');
  for (const [flag, field] of Object.entries(NUMBER_FLAGS)) {
    const v = values[flag];
    if (sample && flag === 'tokens-per-byte') continue; // applied to the sample's text bytes above
    if (v !== undefined) (input as Record<string, unknown>)[field] = num(flag, v);
  }
  const prices: Record<string, number> = {};
  for (const [flag, field] of Object.entries(PRICE_FLAGS)) {
    const v = values[flag];
    if (v !== undefined) prices[field] = num(flag, v);
  }
  input.prices = prices;
  if (values.dedup !== undefined) {
    if (!['none', 'exact', 'minhash'].includes(values.dedup)) throw new CostInputError(`--dedup: "${values.dedup}" is not one of none, exact, minhash`);
    input.dedupKind = values.dedup as 'none' | 'exact' | 'minhash';
  }
  const printout = formatEstimate(estimateCost(input), source);
  return sample ? `${describeSample(corpusUri!, sample)}\n${printout}` : printout;
}
