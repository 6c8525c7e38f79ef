import type { BadRecord } from './types.ts';

/** A record that cannot be read as a document, raised when the job's policy is `onBadRecord: 'fail'`. */
export class BadRecordError extends Error {
  override readonly name = 'BadRecordError';
  constructor(readonly record: BadRecord) {
    super(record.message);
  }
}

/**
 * A shard that cannot be read at all: a truncated or corrupt gzip/zstd stream, or a broken parquet file.
 * The message names the shard and says what is wrong.
 */
export class CorruptShardError extends Error {
  override readonly name = 'CorruptShardError';
  constructor(
    readonly key: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${key}: ${problem}`, options);
  }
}

/** A line of a JSONL(.gz) artifact that is not valid JSON or does not match the expected schema. */
export class JsonlRecordError extends Error {
  override readonly name = 'JsonlRecordError';
  constructor(
    readonly uri: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${uri} line ${line}: ${problem}`);
  }
}
