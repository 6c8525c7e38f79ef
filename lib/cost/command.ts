import { parseArgs } from 'node:util';
import { joinNegativeValues } from '../cli/index.ts';
import { createStore, s3OptionsFromEnv } from '../store/index.ts';
import { CostInputError } from './errors.ts';
import { estimateCost } from './estimate.ts';
import { formatEstimate } from './format.ts';
import { parseSize } from './parse-size.ts';
import { inputsFromThroughput, readThroughputFile, THROUGHPUT_FILE } from './throughput-file.ts';
import type { CostInput } from './types.ts';

/** Usage of `proxysel estimate` (also shown in the main usage). */
export const ESTIMATE_USAGE = `proxysel estimate (--corpus-bytes SIZE | --corpus <uri>) [options]
      expected scoring time and cost on Lambda, the reference pass's GPU hours, and the cost of the large model on
      everything; scorer throughput from bench/results/throughput.json (npm run bench) or measured defaults
      --compression-ratio R   uncompressed/stored (default: the bench corpus's)   --doc-bytes B   mean record size
      --tokens-per-byte T (0.25)   --scorer-mbps M (per core)   --shard-bytes SIZE (256MB)   --items-per-invocation N (1)
      --lambda-memory-mb M (1769)   --concurrency C (1000)   --sample-docs N (20000)   --gpu-tokens-per-second T (10000)
      --price-gb-second, --price-request, --price-transition, --price-get, --price-put, --price-gpu-hour (USD)
      --dedup none|exact|minhash   the job's duplicate removal (default exact)   --throughput <file>   another bench result file
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

/** Sum of the object sizes under a corpus URI (local folder, file:// or s3://). */
async function listedBytes(uri: string): Promise<number> {
  const objects = await createStore({ s3: s3OptionsFromEnv() }).list(uri);
  const shards = objects.filter((o) => /\.(jsonl(\.gz|\.zst)?|parquet)$/.test(o.key));
  if (shards.length === 0) throw new CostInputError(`--corpus ${uri}: no .jsonl, .jsonl.gz, .jsonl.zst or .parquet shards found`);
  return shards.reduce((a, o) => a + o.size, 0);
}

/** `proxysel estimate ...`: parses the flags, runs the cost model and returns the printout. */
export async function estimateCommand(args: string[]): Promise<string> {
  const options: Record<string, { type: 'string' }> = {
    'corpus-bytes': { type: 'string' },
    corpus: { type: 'string' },
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
  if (values['corpus-bytes'] === undefined && values.corpus === undefined) {
    throw new CostInputError(`proxysel estimate: give --corpus-bytes SIZE (e.g. 10TB) or --corpus <uri>\n\n${ESTIMATE_USAGE}`);
  }
  const input: CostInput = {
    corpusBytes: values['corpus-bytes'] !== undefined ? parseSize(values['corpus-bytes'], '--corpus-bytes') : await listedBytes(values.corpus!),
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
  if (values['shard-bytes'] !== undefined) input.shardBytes = parseSize(values['shard-bytes'], '--shard-bytes');
  for (const [flag, field] of Object.entries(NUMBER_FLAGS)) {
    const v = values[flag];
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
  return formatEstimate(estimateCost(input), source);
}
