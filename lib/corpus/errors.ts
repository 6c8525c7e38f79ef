import { ProxyselError } from '../errors.ts';
import type { BadRecord } from './types.ts';

/** Root of the corpus readers' errors. */
export abstract class CorpusError extends ProxyselError {}

/**
 * A record that cannot be read as a document, raised when the job's policy is `onBadRecord: 'fail'`: the corpus a
 * person gave is at fault (the message names the shard and line).
 */
export class BadRecordError extends CorpusError {
  override readonly name = 'BadRecordError';
  readonly badInput = true;
  constructor(readonly record: BadRecord) {
    super(record.message);
  }
}

/**
 * A shard that cannot be read at all: a truncated or corrupt gzip/zstd stream, or a broken parquet file.
 * The message names the shard and says what is wrong.
 */
export class CorruptShardError extends CorpusError {
  override readonly name = 'CorruptShardError';
  readonly badInput = false;
  constructor(
    readonly key: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${key}: ${problem}`, options);
  }
}

/** A line of a JSONL(.gz) artifact that is not valid JSON or does not match the expected schema. */
export class JsonlRecordError extends CorpusError {
  override readonly name = 'JsonlRecordError';
  readonly badInput = false;
  constructor(
    readonly uri: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${uri} line ${line}: ${problem}`);
  }
}
