import { readFile } from 'node:fs/promises';
import { CostInputError } from './errors.ts';
import { throughputFileSchema } from './schema.ts';
import type { CostInput, ThroughputFile } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** Where `npm run bench` writes its measurements, relative to the package root. */
export const THROUGHPUT_FILE = new URL('../../bench/results/throughput.json', import.meta.url);

/** Validates a parsed throughput file; errors name the file and field. */
export function parseThroughputFile(value: unknown, where: string): ThroughputFile {
  const parsed = throughputFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new CostInputError(`${where}: not a valid throughput file (${formatZodError(parsed.error)})`);
  }
  return parsed.data;
}

/** The cost-model inputs a throughput file provides. */
export function inputsFromThroughput(
  file: ThroughputFile,
): Pick<CostInput, 'scorerBytesPerCoreSecond' | 'compressionRatio' | 'docBytes' | 'minhashScorerBytesPerCoreSecond' | 'dedupRecordsPerCoreSecond' | 'exactDedupRecordsPerCoreSecond' | 'exactDedupPairsPerCoreSecond'> {
  return {
    scorerBytesPerCoreSecond: file.scorer.bytesPerCoreSecond,
    ...(file.scorer.minhashBytesPerCoreSecond ? { minhashScorerBytesPerCoreSecond: file.scorer.minhashBytesPerCoreSecond } : {}),
    ...(file.dedup ? { dedupRecordsPerCoreSecond: file.dedup.recordsPerCoreSecond } : {}),
    ...(file.dedup?.exactRecordsPerCoreSecond ? { exactDedupRecordsPerCoreSecond: file.dedup.exactRecordsPerCoreSecond } : {}),
    ...(file.dedup?.exactPairsPerCoreSecond ? { exactDedupPairsPerCoreSecond: file.dedup.exactPairsPerCoreSecond } : {}),
    compressionRatio: file.corpus.compressionRatio,
    docBytes: file.corpus.meanDocBytes,
  };
}

/** Reads a throughput file; undefined when it does not exist (the documented defaults apply then). */
export async function readThroughputFile(path: string | URL = THROUGHPUT_FILE): Promise<ThroughputFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CostInputError(`${String(path)}: not valid JSON`);
  }
  return parseThroughputFile(value, String(path));
}
