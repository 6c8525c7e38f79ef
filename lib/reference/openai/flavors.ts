import { z } from 'zod';
import { OpenAIResponseError } from './errors.ts';
import type { OpenAIFlavor, PromptLogprobs } from './types.ts';
import { formatZodError } from '../../validate/index.ts';

/** The HTTP request that asks a server of this flavor for a prompt's token logprobs. */
export function promptLogprobsRequest(flavor: OpenAIFlavor, baseUrl: string, model: string, text: string): { url: string; body: unknown } {
  const base = baseUrl.replace(/\/+$/, '');
  switch (flavor) {
    case 'vllm':
      // echo + logprobs with max_tokens 0: the prompt comes back with one logprob per token, nothing is generated.
      return { url: `${base}/completions`, body: { model, prompt: text, echo: true, logprobs: 0, max_tokens: 0, temperature: 0 } };
    case 'llama.cpp':
      // llama.cpp's server needs at least one generated token; the response is checked for prompt logprobs.
      return { url: `${base}/completions`, body: { model, prompt: text, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 } };
    case 'tgi':
      return {
        url: `${base}/generate`,
        body: { inputs: text, parameters: { max_new_tokens: 1, details: true, decoder_input_details: true, do_sample: false } },
      };
  }
}

const logprob = z.number().nullable();

const completionsSchema = z.object({
  choices: z
    .array(
      z.object({
        logprobs: z
          .object({ token_logprobs: z.array(logprob), tokens: z.array(z.string()).optional(), text_offset: z.array(z.number()).optional() })
          .nullable()
          .optional(),
        // vLLM's `prompt_logprobs` extension: per prompt token, null or { "<id>": { logprob } }.
        prompt_logprobs: z.array(z.record(z.string(), z.object({ logprob: z.number() })).nullable()).nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative() }).partial().optional(),
});

const tgiSchema = z.object({
  details: z.object({
    prefill: z.array(z.object({ id: z.number(), text: z.string().optional(), logprob: z.number().nullable().optional() })),
  }),
});

function invalid(where: string, error: z.ZodError): OpenAIResponseError {
  return new OpenAIResponseError(`${where}: response field ${formatZodError(error)}`);
}

/**
 * Reads the prompt logprobs out of a response of this flavor. A response that carries logprobs for generated tokens
 * only (a server that ignores `echo`, as llama.cpp's does in many versions) is refused with a message saying so,
 * rather than scored as if the prompt were one token long.
 */
export function parsePromptLogprobs(flavor: OpenAIFlavor, where: string, json: unknown): PromptLogprobs {
  let out: PromptLogprobs;
  if (flavor === 'tgi') {
    const r = tgiSchema.safeParse(json);
    if (!r.success) throw invalid(where, r.error);
    const prefill = r.data.details.prefill;
    out = { logprobs: prefill.map((t, i) => (i === 0 || t.logprob === undefined || t.logprob === null || Number.isNaN(t.logprob) ? null : t.logprob)) };
    out.promptTokens = prefill.length;
    if (prefill.every((t) => t.text !== undefined)) out.tokenTexts = prefill.map((t) => t.text!);
  } else {
    const r = completionsSchema.safeParse(json);
    if (!r.success) throw invalid(where, r.error);
    const choice = r.data.choices[0]!;
    const promptTokens = r.data.usage?.prompt_tokens;
    if (choice.prompt_logprobs) {
      const lps = choice.prompt_logprobs.map((entry, i) => {
        if (i === 0 || entry === null) return null;
        const first = Object.values(entry)[0];
        return first ? first.logprob : null;
      });
      out = { logprobs: lps, promptTokens };
    } else if (choice.logprobs) {
      // With max_tokens > 0 the echoed logprobs run on into the generated tokens: keep the prompt's.
      const { token_logprobs: all, tokens, text_offset: offsets } = choice.logprobs;
      const prompt = <T>(xs: T[]): T[] => (promptTokens !== undefined ? xs.slice(0, promptTokens) : xs);
      out = { logprobs: prompt(all), promptTokens };
      if (offsets) out.textOffsets = prompt(offsets);
      if (tokens) out.tokenTexts = prompt(tokens);
    } else {
      throw new OpenAIResponseError(
        `${where}: the response has no logprobs: the server must support echo with logprobs (or vLLM's prompt_logprobs)`,
      );
    }
  }
  if (out.promptTokens !== undefined && out.logprobs.length < out.promptTokens) {
    throw new OpenAIResponseError(
      `${where}: the server returned ${out.logprobs.length} logprobs for a prompt of ${out.promptTokens} tokens: ` +
        `it does not return prompt logprobs (echo ignored?); flavor "${flavor}" needs a server version that echoes prompt logprobs`,
    );
  }
  return out;
}
