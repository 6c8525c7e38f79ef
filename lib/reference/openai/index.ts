export { createOpenAIScorer, lossFromPromptLogprobs } from './scorer.ts';
export { parsePromptLogprobs, promptLogprobsRequest } from './flavors.ts';
export { postJsonWithRetries, mapWithConcurrency, type RetryPolicy } from './http.ts';
export { OpenAIRequestError, OpenAIResponseError } from './errors.ts';
export type { OpenAIFlavor, OpenAIScorerOptions, PromptLogprobs } from './types.ts';
