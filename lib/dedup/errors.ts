/** MinHash parameters that cannot work together (e.g. bands x rows != hashes). */
export class MinHashParamsError extends Error {
  constructor(message: string) {
    super(`dedup: ${message}`);
    this.name = 'MinHashParamsError';
  }
}

/** A dedup artifact (band file, signature file, edge file) that is not what its writer wrote. */
export class DedupFileError extends Error {
  constructor(
    readonly uri: string,
    message: string,
  ) {
    super(`${uri}: ${message}`);
    this.name = 'DedupFileError';
  }
}

/** A partition holds more band records than the configured memory bound allows. */
export class PartitionTooLargeError extends Error {
  constructor(
    readonly partition: number,
    readonly records: number,
    readonly limit: number,
  ) {
    super(
      `dedup partition ${partition}: ${records} band records exceed the bound of ${limit} held in memory at once; ` +
        `raise dedup.partitions so each partition holds fewer`,
    );
    this.name = 'PartitionTooLargeError';
  }
}
