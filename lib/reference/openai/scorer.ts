import type { OpenAIReferenceSpec } from '../../job/index.ts';
import type { ReferenceScore, ReferenceScorer } from '../types.ts';
import { apiKeyEnvProblem, referenceUrlProblem } from '../../job/index.ts';
import { OpenAIRequestError, OpenAIResponseError } from './errors.ts';
import { parsePromptLogprobs, promptLogprobsRequest } from './flavors.ts';
import { mapWithConcurrency, postJsonWithRetries } from './http.ts';
import type { OpenAIScorerOptions, PromptLogprobs } from './types.ts';

/**
 * UTF-8 bytes of the first `end` tokens' text: up to the character offset of token `end` when the server gives text
 * offsets, else the tokens' own texts added up.
 */
function prefixBytes(p: PromptLogprobs, text: string, end: number, where: string): number {
  const offset = p.textOffsets?.[end];
  if (offset !== undefined) return Buffer.byteLength(Array.from(text).slice(0, offset).join(''), 'utf8');
  const texts = p.tokenTexts?.slice(0, end);
  if (texts && texts.length === end && texts.every((t) => typeof t === 'string')) {
    return texts.reduce((a, t) => a + Buffer.byteLength(t!, 'utf8'), 0);
  }
  throw new OpenAIResponseError(
    `${where}: the document has more than maxTokens (${end}) tokens and the server returned neither text offsets nor token ` +
      `texts, so the bytes of the scored window are unknown: raise reference.maxTokens above the longest document`,
  );
}

/**
 * Loss of one document from its prompt logprobs: the mean of -logprob over tokens 1 .. min(n, maxTokens) - 1 (token 0
 * has no context); tokens = n, the server's prompt token count; nll = the sum; bytes = the UTF-8 bytes of the text
 * those first min(n, maxTokens) tokens cover (the whole text unless truncated). A one-token document gets loss 0.
 */
export function lossFromPromptLogprobs(p: PromptLogprobs, text: string, maxTokens: number, where: string): ReferenceScore {
  const n = p.promptTokens ?? p.logprobs.length;
  const end = Math.min(p.logprobs.length, maxTokens);
  let sum = 0;
  let count = 0;
  for (let i = 1; i < end; i++) {
    const lp = p.logprobs[i];
    if (lp === null || lp === undefined || !Number.isFinite(lp)) {
      throw new OpenAIResponseError(`${where}: prompt token ${i} has no finite logprob (${String(lp)})`);
    }
    sum -= lp;
    count += 1;
  }
  const bytes = n > end ? prefixBytes(p, text, end, where) : Buffer.byteLength(text, 'utf8');
  return { loss: count > 0 ? sum / count : 0, tokens: n, nll: sum, bytes };
}

/**
 * The openai reference backend: an OpenAI-compatible server (vLLM, TGI, llama.cpp) that returns prompt logprobs.
 * One request per document, at most `concurrency` in flight; 429, 5xx and timeouts are retried with backoff; the API
 * key is read from the environment variable `apiKeyEnv` (no Authorization header when it is unset).
 * Documents are sent whole; only the first maxTokens tokens count towards the loss, so the server's context length
 * must accept the longest document (vLLM: --max-model-len).
 */
export function createOpenAIScorer(spec: OpenAIReferenceSpec, options: OpenAIScorerOptions = {}): ReferenceScorer {
  const env = options.env ?? process.env;
  // Checked here too (plan checks first): the Reference Lambda and the Batch job may be started on any plan.
  const refused = apiKeyEnvProblem(spec.apiKeyEnv, env) ?? referenceUrlProblem(spec.url, env);
  if (refused) throw new OpenAIRequestError(`openai reference refused: ${refused}`);
  const key = env[spec.apiKeyEnv];
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  const policy = {
    maxRetries: spec.maxRetries,
    timeoutMs: spec.timeoutMs,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
  };
  return {
    description: `openai(${spec.flavor}, ${spec.model}, maxTokens=${spec.maxTokens})`,
    async score(texts: string[]): Promise<ReferenceScore[]> {
      return mapWithConcurrency(texts.length, spec.concurrency, async (i) => {
        const req = promptLogprobsRequest(spec.flavor, spec.url, spec.model, texts[i]!);
        const json = await postJsonWithRetries(req.url, req.body, headers, policy);
        const where = `${req.url} (document ${i} of the batch)`;
        return lossFromPromptLogprobs(parsePromptLogprobs(spec.flavor, where, json), texts[i]!, spec.maxTokens, where);
      });
    },
    async close() {},
  };
}
