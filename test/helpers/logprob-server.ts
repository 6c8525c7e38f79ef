/**
 * A local HTTP server that answers like vLLM (/v1/completions with echo + logprobs, or prompt_logprobs), TGI
 * (/generate with decoder_input_details) and llama.cpp's server, with genuine prompt logprobs from a small language
 * model. It can fail on purpose (429/5xx, slow answers, generated-token logprobs only) to test the client.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A language model that gives a log-probability (nats) to each token of a text; entry 0 is null (no context). */
export interface PromptLm {
  tokenize(text: string): string[];
  /** logprobs[i] = log p(tokens[i] | tokens[<i]) for i >= 1; logprobs[0] = null. */
  promptLogprobs(tokens: string[]): (number | null)[];
}

/** Lowercased words and punctuation marks. */
export function simpleWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** An add-k smoothed bigram model trained on `text` (with an unknown-word slot): small and genuine. */
export function trainBigramLm(text: string, k = 0.1): PromptLm {
  const words = simpleWords(text);
  const vocab = new Set(words);
  const V = vocab.size + 1;
  const uni = new Map<string, number>();
  const bi = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    uni.set(words[i]!, (uni.get(words[i]!) ?? 0) + 1);
    if (i > 0) bi.set(`${words[i - 1]} ${words[i]}`, (bi.get(`${words[i - 1]} ${words[i]}`) ?? 0) + 1);
  }
  const norm = (w: string) => (vocab.has(w) ? w : '<unk>');
  return {
    tokenize: simpleWords,
    promptLogprobs(tokens) {
      return tokens.map((t, i) => {
        if (i === 0) return null;
        const prev = norm(tokens[i - 1]!);
        const cur = norm(t);
        return Math.log(((bi.get(`${prev} ${cur}`) ?? 0) + k) / ((uni.get(prev) ?? 0) + k * V));
      });
    },
  };
}

export interface LogprobServerOptions {
  lm: PromptLm;
  /** Answer the first `count` requests with this status (then behave). */
  failFirst?: { status: number; count: number; retryAfterSeconds?: number };
  /** Hold the first `count` requests for `ms` before answering (to trip client timeouts). */
  slowFirst?: { ms: number; count: number };
  /** `generated-only` answers like a llama.cpp server that ignores echo: logprobs for the generated token only. */
  completions?: 'echo' | 'prompt_logprobs' | 'generated-only';
  /** Per-request extra delay, so concurrent requests overlap. */
  delayMs?: number;
}

export interface LogprobServer {
  /** Base URL ending in /v1 (completions flavors); TGI's /generate is at the root. */
  url: string;
  root: string;
  requests: number;
  maxInFlight: number;
  authHeaders: (string | undefined)[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Each token's text with the whitespace before it (as BPE tokens carry it, so that the texts add up to the prompt) and
 * where that text starts in `text`, in code points (as servers report `text_offset`). Tokens are found in order in the
 * lowercased text.
 */
export function tokenSpans(text: string, tokens: string[]): { offsets: number[]; texts: string[] } {
  const lower = text.toLowerCase();
  const offsets: number[] = [];
  const texts: string[] = [];
  let pos = 0;
  for (const t of tokens) {
    const at = lower.indexOf(t, pos);
    if (at < 0) throw new Error(`token ${JSON.stringify(t)} not found in the text after ${pos}`);
    offsets.push(Array.from(text.slice(0, pos)).length);
    texts.push(text.slice(pos, at + t.length));
    pos = at + t.length;
  }
  return { offsets, texts };
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startLogprobServer(opts: LogprobServerOptions): Promise<LogprobServer> {
  let inFlight = 0;
  const state = { requests: 0, maxInFlight: 0, authHeaders: [] as (string | undefined)[] };
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer(async (req, res) => {
    const n = state.requests++;
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    state.authHeaders.push(req.headers.authorization);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      inFlight -= 1;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const body = (await readBody(req)) as Record<string, unknown>;
      if (opts.slowFirst && n < opts.slowFirst.count) await sleep(opts.slowFirst.ms);
      if (opts.delayMs) await sleep(opts.delayMs);
      if (opts.failFirst && n < opts.failFirst.count) {
        const h: Record<string, string> = opts.failFirst.retryAfterSeconds !== undefined ? { 'retry-after': String(opts.failFirst.retryAfterSeconds) } : {};
        return send(opts.failFirst.status, { error: { message: 'try again' } }, h);
      }
      if (req.method === 'POST' && req.url === '/v1/completions') {
        const tokens = opts.lm.tokenize(String(body.prompt));
        const lps = opts.lm.promptLogprobs(tokens);
        const usage = { prompt_tokens: tokens.length, completion_tokens: 0, total_tokens: tokens.length };
        const mode = opts.completions ?? 'echo';
        if (mode === 'prompt_logprobs') {
          const prompt_logprobs = lps.map((lp, i) => (lp === null ? null : { [String(i)]: { logprob: lp, rank: 1, decoded_token: tokens[i] } }));
          return send(200, { object: 'text_completion', choices: [{ index: 0, text: '', logprobs: null, prompt_logprobs }], usage });
        }
        if (mode === 'generated-only') {
          return send(200, { choices: [{ index: 0, text: ' the', logprobs: { tokens: [' the'], token_logprobs: [-1.5] } }], usage });
        }
        // echo: prompt logprobs, then (when max_tokens > 0) the generated token's.
        const gen = Number(body.max_tokens ?? 16) > 0 ? [-0.5] : [];
        const prompt = String(body.prompt);
        const spans = tokenSpans(prompt, tokens);
        const logprobs = {
          tokens: [...spans.texts, ...gen.map(() => ' x')],
          token_logprobs: [...lps, ...gen],
          text_offset: [...spans.offsets, ...gen.map(() => Array.from(prompt).length)],
        };
        return send(200, { object: 'text_completion', choices: [{ index: 0, text: prompt, logprobs }], usage });
      }
      if (req.method === 'POST' && req.url === '/generate') {
        const tokens = opts.lm.tokenize(String(body.inputs));
        const lps = opts.lm.promptLogprobs(tokens);
        const texts = tokenSpans(String(body.inputs), tokens).texts;
        return send(200, {
          generated_text: ' the',
          details: { finish_reason: 'length', generated_tokens: 1, prefill: tokens.map((_, i) => ({ id: i, text: texts[i], logprob: lps[i] })), tokens: [] },
        });
      }
      send(404, { error: `no route ${req.method} ${req.url}` });
    } catch (err) {
      send(400, { error: String(err) });
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const root = `http://127.0.0.1:${port}`;
  return {
    url: `${root}/v1`,
    root,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    authHeaders: state.authHeaders,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * Mean -logprob over tokens 1..min(n, maxTokens)-1 of a text under `lm`: the loss a correct client reports; their sum
 * (nll), and the UTF-8 bytes of the text from its start to the end of the last token counted (the whole text when
 * nothing is cut), found independently of the server's offsets.
 */
export function expectedLoss(lm: PromptLm, text: string, maxTokens = Infinity): { loss: number; tokens: number; nll: number; bytes: number } {
  const tokens = lm.tokenize(text);
  const lps = lm.promptLogprobs(tokens);
  let sum = 0;
  let n = 0;
  const end = Math.min(tokens.length, maxTokens);
  for (let i = 1; i < end; i++) {
    sum -= lps[i]!;
    n += 1;
  }
  let covered = text;
  if (end < tokens.length) {
    // Cut right after the last scored token.
    const lower = text.toLowerCase();
    let pos = 0;
    for (let i = 0; i < end; i++) pos = lower.indexOf(tokens[i]!, pos) + tokens[i]!.length;
    covered = text.slice(0, pos);
  }
  return { loss: n > 0 ? sum / n : 0, tokens: tokens.length, nll: sum, bytes: Buffer.byteLength(covered, 'utf8') };
}

/**
 * The project's Kneser-Ney n-gram model as a PromptLm: tokens are its words, entry i >= 1 is ln P(token i | the tokens
 * before it, after <s>); entry 0 is null, as servers return for the first prompt token.
 */
export function ngramPromptLm(model: { tokenLogProbs(tokens: readonly string[]): Float64Array }, tokenize: (text: string) => string[]): PromptLm {
  return {
    tokenize,
    promptLogprobs(tokens) {
      const lps = model.tokenLogProbs(tokens);
      return tokens.map((_, i) => (i === 0 ? null : lps[i]!));
    },
  };
}
