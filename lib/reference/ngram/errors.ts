import { ReferenceModelError } from '../errors.ts';

/** The reference text for the ngram model could not be found or read. */
export class ReferenceTextError extends ReferenceModelError {
  override readonly name = 'ReferenceTextError';
  constructor(
    readonly uri: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${uri}: ${message}`, options);
  }
}

/** Training options or training data that cannot give a model (bad order, empty text, too many n-grams). */
export class NgramTrainingError extends ReferenceModelError {
  override readonly name = 'NgramTrainingError';
}
