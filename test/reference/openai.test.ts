import { afterEach, describe, expect, it } from 'vitest';
import { openaiReferenceSchema, type OpenAIReferenceSpec } from '../../lib/job/spec.ts';
import { createOpenAIScorer, OpenAIRequestError, OpenAIResponseError } from '../../lib/reference/openai/index.ts';
import { tokenizeWords, trainNgramModel } from '../../lib/reference/ngram/index.ts';
import { expectedLoss, ngramPromptLm, startLogprobServer, type LogprobServer, type LogprobServerOptions } from '../helpers/logprob-server.ts';

const TRAIN =
  'the cat sat on the mat . the dog sat on the log . the cat saw the dog . a dog and a cat sat on a mat . ' +
  'the end is near and the others are there to see it . she said that the dog would rather stay in the house .';
// Genuine logprobs: the project's Kneser-Ney n-gram model serves them.
const lm = ngramPromptLm(await trainNgramModel(TRAIN, { order: 3 }), tokenizeWords);
const TEXTS = [
  'the cat sat on the log.',
  'a dog saw the mat and the cat.',
  'zebras are not in the training text, but the cat is.',
  'the',
  'she said that the end is near, and the dog sat on the mat.',
];

let server: LogprobServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: Partial<LogprobServerOptions> = {}): Promise<LogprobServer> {
  server = await startLogprobServer({ lm, ...opts });
  return server;
}

function spec(url: string, overrides: Partial<OpenAIReferenceSpec> = {}): OpenAIReferenceSpec {
  return openaiReferenceSchema.parse({ kind: 'openai', url, model: 'test-lm', apiKeyEnv: 'OPENAI_TEST_KEY', ...overrides });
}

function expectLosses(scores: { loss: number; tokens: number; nll: number; bytes: number }[], maxTokens = Infinity) {
  TEXTS.forEach((t, i) => {
    const want = expectedLoss(lm, t, maxTokens);
    expect(scores[i]!.tokens).toBe(want.tokens);
    expect(scores[i]!.loss).toBeCloseTo(want.loss, 10);
    expect(scores[i]!.nll).toBeCloseTo(want.nll, 10);
    expect(scores[i]!.bytes).toBe(want.bytes);
  });
}

describe('openai reference backend', () => {
  it('reads vLLM echo logprobs (max_tokens 0) into mean token losses, in input order', async () => {
    const s = await start();
    const scores = await createOpenAIScorer(spec(s.url), { env: {} }).score(TEXTS);
    expectLosses(scores);
    expect(scores[3]).toEqual({ loss: 0, tokens: 1, nll: 0, bytes: 3 });
    expect(scores[2]!.loss).toBeGreaterThan(scores[0]!.loss); // unknown words cost more
  });

  it("reads vLLM's prompt_logprobs shape the same way", async () => {
    const s = await start({ completions: 'prompt_logprobs' });
    expectLosses(await createOpenAIScorer(spec(s.url), { env: {} }).score(TEXTS));
  });

  it('reads TGI prefill details, and llama.cpp echo with one generated token cut off', async () => {
    const s = await start();
    expectLosses(await createOpenAIScorer(spec(s.root, { flavor: 'tgi' }), { env: {} }).score(TEXTS));
    expectLosses(await createOpenAIScorer(spec(s.url, { flavor: 'llama.cpp' }), { env: {} }).score(TEXTS));
  });

  it('counts only the first maxTokens tokens towards the loss', async () => {
    const s = await start();
    expectLosses(await createOpenAIScorer(spec(s.url, { maxTokens: 4 }), { env: {} }).score(TEXTS), 4);
  });

  it('gives per-byte loss = summed NLL / UTF-8 bytes of the scored window, also when maxTokens cuts the document', async () => {
    const s = await start();
    const text = 'Café au lait: the cat sat on the mat, and the dog sat on the log.';
    for (const [url, flavor] of [[s.url, 'vllm'], [s.root, 'tgi'], [s.url, 'llama.cpp']] as const) {
      const whole = (await createOpenAIScorer(spec(url, { flavor }), { env: {} }).score([text]))[0]!;
      expect(whole.bytes).toBe(Buffer.byteLength(text, 'utf8'));
      expect(whole.nll / whole.bytes).toBeCloseTo(expectedLoss(lm, text).nll / Buffer.byteLength(text, 'utf8'), 10);
      const cut = (await createOpenAIScorer(spec(url, { flavor, maxTokens: 3 }), { env: {} }).score([text]))[0]!;
      // The first three tokens are "café", "au", "lait": 'Café au lait' is 13 bytes (é is two).
      expect(cut.bytes, flavor).toBe(13);
      expect(cut.nll).toBeCloseTo(-lm.promptLogprobs(lm.tokenize(text)).slice(1, 3).reduce((a: number, b) => a + b!, 0), 10);
      expect(cut.loss).toBeCloseTo(cut.nll / 2, 12);
    }
  });

  it('refuses to guess the bytes of a cut document when the server gives neither offsets nor token texts', async () => {
    const s = await start({ completions: 'prompt_logprobs' });
    const err = await createOpenAIScorer(spec(s.url, { maxTokens: 3 }), { env: {} }).score([TEXTS[4]!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAIResponseError);
    expect(String(err)).toMatch(/bytes of the scored window are unknown.*raise reference\.maxTokens/);
  });

  it('refuses a server that returns generated-token logprobs only, saying so', async () => {
    const s = await start({ completions: 'generated-only' });
    const err = await createOpenAIScorer(spec(s.url, { flavor: 'llama.cpp' }), { env: {} }).score([TEXTS[0]!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAIResponseError);
    expect((err as Error).message).toMatch(/returned 1 logprobs for a prompt of 7 tokens/);
  });

  it('retries 429 and 5xx with backoff, honouring Retry-After', async () => {
    const s = await start({ failFirst: { status: 429, count: 3, retryAfterSeconds: 0 } });
    const scores = await createOpenAIScorer(spec(s.url, { concurrency: 1 }), { env: {}, baseDelayMs: 1 }).score(TEXTS.slice(0, 2));
    expect(s.requests).toBe(5);
    expect(scores[0]!.loss).toBeCloseTo(expectedLoss(lm, TEXTS[0]!).loss, 10);
    await s.close();
    const s2 = await start({ failFirst: { status: 503, count: 2 } });
    await createOpenAIScorer(spec(s2.url, { concurrency: 1 }), { env: {}, baseDelayMs: 1 }).score([TEXTS[0]!]);
    expect(s2.requests).toBe(3);
  });

  it('gives up after maxRetries and fails at once on a 4xx that is not 429', async () => {
    const s = await start({ failFirst: { status: 500, count: 100 } });
    const err = await createOpenAIScorer(spec(s.url, { maxRetries: 2 }), { env: {}, baseDelayMs: 1 }).score([TEXTS[0]!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAIRequestError);
    expect((err as Error).message).toMatch(/gave up after 3 attempts; last: HTTP 500/);
    expect(s.requests).toBe(3);
    await s.close();
    const s2 = await start({ failFirst: { status: 401, count: 100 } });
    const err2 = await createOpenAIScorer(spec(s2.url), { env: {}, baseDelayMs: 1 }).score([TEXTS[0]!]).catch((e: unknown) => e);
    expect((err2 as OpenAIRequestError).status).toBe(401);
    expect((err2 as Error).message).toContain('apiKeyEnv');
    expect(s2.requests).toBe(1);
  });

  it('times out a slow request and retries it', async () => {
    const s = await start({ slowFirst: { ms: 2000, count: 1 } });
    const [score] = await createOpenAIScorer(spec(s.url, { timeoutMs: 200 }), { env: {}, baseDelayMs: 1 }).score([TEXTS[0]!]);
    expect(s.requests).toBe(2);
    expect(score!.loss).toBeCloseTo(expectedLoss(lm, TEXTS[0]!).loss, 10);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const s = await start({ delayMs: 30 });
    const texts = Array.from({ length: 12 }, (_, i) => `${TEXTS[i % TEXTS.length]} ${i}`);
    const scores = await createOpenAIScorer(spec(s.url, { concurrency: 3 }), { env: {} }).score(texts);
    expect(scores).toHaveLength(12);
    expect(s.maxInFlight).toBe(3);
  });

  it('sends the API key from the named environment variable, and none when it is unset', async () => {
    const s = await start();
    await createOpenAIScorer(spec(s.url), { env: { OPENAI_TEST_KEY: 'sk-test-123' } }).score([TEXTS[0]!]);
    await createOpenAIScorer(spec(s.url), { env: {} }).score([TEXTS[0]!]);
    expect(s.authHeaders).toEqual(['Bearer sk-test-123', undefined]);
  });
});
