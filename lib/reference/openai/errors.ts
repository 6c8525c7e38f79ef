import { ReferenceModelError } from '../errors.ts';

/** The server answered, but not with prompt logprobs of the expected shape. */
export class OpenAIResponseError extends ReferenceModelError {
  override readonly name = 'OpenAIResponseError';
}

/** A request failed for good: a non-retryable status, or retries exhausted on 429/5xx/timeouts. */
export class OpenAIRequestError extends ReferenceModelError {
  override readonly name = 'OpenAIRequestError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
