import type { OpenAIReferenceSpec } from '../../job/index.ts';

/** Server dialect: how prompt logprobs are asked for and where they come back. */
export type OpenAIFlavor = OpenAIReferenceSpec['flavor'];

/** Optional knobs of createOpenAIScorer (tests shorten the backoff; nothing else is usually needed). */
export interface OpenAIScorerOptions {
  /** First retry delay in ms; doubles per attempt (with jitter), capped at maxDelayMs. Default 500. */
  baseDelayMs?: number;
  /** Default 30 000. */
  maxDelayMs?: number;
  /** Where the API key variable is looked up (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Prompt token logprobs as a server returned them: entry 0 (no context) is null. */
export interface PromptLogprobs {
  logprobs: (number | null)[];
  /** The server's count of prompt tokens, when it reports one. */
  promptTokens?: number;
  /** Where each prompt token starts in the prompt, in characters (code points), when the server says (`text_offset`). */
  textOffsets?: number[];
  /** Each prompt token's text, when the server returns it (TGI's prefill `text`, the completions `tokens`). */
  tokenTexts?: (string | null)[];
}
