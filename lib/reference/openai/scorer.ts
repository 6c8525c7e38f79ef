import type { OpenAIReferenceSpec } from '../../job/spec.ts';
import type { ReferenceScore, ReferenceScorer } from '../types.ts';
import { apiKeyEnvProblem, referenceUrlProblem } from '../../job/secrets.ts';
import { OpenAIRequestError, OpenAIResponseError } from './errors.ts';
import { parsePromptLogprobs, promptLogprobsRequest } from './flavors.ts';
import { mapWithConcurrency, postJsonWithRetries } from './http.ts';
import type { OpenAIScorerOptions, PromptLogprobs } from './types.ts';

/**
 * Loss of one document from its prompt logprobs: the mean of -logprob over tokens 1 .. min(n, maxTokens) - 1 (token 0
 * has no context); tokens = n, the server's prompt token count. A one-token document gets loss 0.
 */
export function lossFromPromptLogprobs(p: PromptLogprobs, maxTokens: number, where: string): ReferenceScore {
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
  return { loss: count > 0 ? sum / count : 0, tokens: n };
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
        return lossFromPromptLogprobs(parsePromptLogprobs(spec.flavor, where, json), spec.maxTokens, where);
      });
    },
    async close() {},
  };
}
