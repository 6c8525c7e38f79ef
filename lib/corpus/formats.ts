import type { ShardFormat } from './types.ts';

const SUFFIXES: readonly (readonly [string, ShardFormat])[] = [
  ['.jsonl', 'jsonl'],
  ['.jsonl.gz', 'jsonl.gz'],
  ['.json.gz', 'jsonl.gz'],
  ['.jsonl.zst', 'jsonl.zst'],
  ['.jsonl.zstd', 'jsonl.zst'],
  ['.parquet', 'parquet'],
];

/**
 * The shard format a key's name stands for (`.jsonl`, `.jsonl.gz`/`.json.gz`, `.jsonl.zst`/`.jsonl.zstd`, `.parquet`),
 * or undefined for any other file (which planning ignores). Case-insensitive.
 */
export function detectFormat(key: string): ShardFormat | undefined {
  const lower = key.toLowerCase();
  for (const [suffix, format] of SUFFIXES) if (lower.endsWith(suffix)) return format;
  return undefined;
}
