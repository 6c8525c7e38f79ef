/** A policy spec or its inputs cannot make a policy (e.g. a band with no usable quantile table). */
export class PolicyConfigError extends Error {
  constructor(message: string) {
    super(`policy: ${message}`);
    this.name = 'PolicyConfigError';
  }
}

/** A document's prediction is not a finite number, so it has no place in the key order. */
export class NonFiniteScoreError extends Error {
  constructor(
    readonly docId: string,
    readonly field: 'score' | 'std',
    readonly value: number,
  ) {
    super(`document ${JSON.stringify(docId)}: ${field} is ${value}, not a finite number`);
    this.name = 'NonFiniteScoreError';
  }
}

/** A stored histogram (hist.json) or a value added to one is malformed. */
export class HistogramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistogramError';
  }
}

/** A budget or threshold input is invalid, or the boundary bin's documents disagree with the histograms. */
export class ThresholdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThresholdError';
  }
}
