/** The reference text for the ngram model could not be found or read. */
export class ReferenceTextError extends Error {
  constructor(
    readonly uri: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${uri}: ${message}`, options);
    this.name = 'ReferenceTextError';
  }
}

/** Training options or training data that cannot give a model (bad order, empty text, too many n-grams). */
export class NgramTrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NgramTrainingError';
  }
}
