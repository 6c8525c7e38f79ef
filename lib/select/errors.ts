import { ProxyselError } from '../errors.ts';

/** Root of the selection's errors. */
export abstract class SelectError extends ProxyselError {}

/** A policy spec or its inputs cannot make a policy (e.g. a band with no usable quantile table). */
export class PolicyConfigError extends SelectError {
  override readonly name = 'PolicyConfigError';
  readonly badInput = false;
  constructor(message: string) {
    super(`policy: ${message}`);
  }
}

/** A document's prediction is not a finite number, so it has no place in the key order. */
export class NonFiniteScoreError extends SelectError {
  override readonly name = 'NonFiniteScoreError';
  readonly badInput = false;
  constructor(
    readonly docId: string,
    readonly field: 'score' | 'std',
    readonly value: number,
  ) {
    super(`document ${JSON.stringify(docId)}: ${field} is ${value}, not a finite number`);
  }
}

/** A stored histogram (hist.json) or a value added to one is malformed. */
export class HistogramError extends SelectError {
  override readonly name = 'HistogramError';
  readonly badInput = false;
}

/** A budget or threshold input is invalid, or the boundary bin's documents disagree with the histograms. */
export class ThresholdError extends SelectError {
  override readonly name = 'ThresholdError';
  readonly badInput = false;
}
