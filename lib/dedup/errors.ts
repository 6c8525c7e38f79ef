import { ProxyselError } from '../errors.ts';

/** Root of the duplicate removal's errors. */
export abstract class DedupError extends ProxyselError {}

/** MinHash parameters that cannot work together (e.g. bands x rows != hashes). */
export class MinHashParamsError extends DedupError {
  override readonly name = 'MinHashParamsError';
  readonly badInput = false;
  constructor(message: string) {
    super(`dedup: ${message}`);
  }
}

/** A dedup artifact (band file, signature file, edge file) that is not what its writer wrote. */
export class DedupFileError extends DedupError {
  override readonly name = 'DedupFileError';
  readonly badInput = false;
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super(`${uri}: ${message}`);
  }
}

/** A partition holds more band records than the configured memory bound allows. */
export class PartitionTooLargeError extends DedupError {
  override readonly name = 'PartitionTooLargeError';
  readonly badInput = false;
  constructor(
    readonly partition: number,
    readonly records: number,
    readonly limit: number,
  ) {
    super(
      `dedup partition ${partition}: ${records} band and exact records exceed the bound of ${limit} held in memory at once; ` +
        `raise dedup.partitions so each partition holds fewer`,
    );
  }
}
