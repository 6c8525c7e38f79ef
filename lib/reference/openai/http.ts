import { OpenAIRequestError } from './errors.ts';

/** Retry policy of one request. */
export interface RetryPolicy {
  maxRetries: number;
  timeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in ms (seconds or an HTTP date), if the server sent one. */
function retryAfterMs(res: Response): number | undefined {
  const v = res.headers.get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/**
 * POSTs JSON and returns the parsed JSON answer. Retries 429, 5xx, timeouts and network errors with exponential
 * backoff (full jitter, or the server's Retry-After when given, capped at maxDelayMs); any other status fails at once.
 */
export async function postJsonWithRetries(url: string, body: unknown, headers: Record<string, string>, policy: RetryPolicy): Promise<unknown> {
  let lastError = '';
  for (let attempt = 0; attempt <= policy.maxRetries; attempt++) {
    let wait: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        // A redirect would carry the key and the documents to a location the URL allow-list never saw.
        redirect: 'error',
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      if (res.ok) {
        const text = await res.text();
        try {
          return JSON.parse(text);
        } catch {
          throw new OpenAIRequestError(`POST ${url}: answer is not JSON: ${text.slice(0, 200)}`, res.status);
        }
      }
      const detail = (await res.text().catch(() => '')).slice(0, 300);
      if (res.status !== 429 && res.status < 500) {
        const hint = res.status === 401 || res.status === 403 ? ' (check the API key variable named by reference.apiKeyEnv)' : '';
        throw new OpenAIRequestError(`POST ${url}: HTTP ${res.status}${hint}: ${detail}`, res.status);
      }
      lastError = `HTTP ${res.status}: ${detail}`;
      wait = retryAfterMs(res);
    } catch (err) {
      if (err instanceof OpenAIRequestError) throw err;
      const e = err as Error;
      lastError = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${policy.timeoutMs} ms` : `${e.message}${(e as { cause?: Error }).cause ? ` (${(e as { cause?: Error }).cause!.message})` : ''}`;
    }
    if (attempt < policy.maxRetries) {
      const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      await sleep(Math.min(policy.maxDelayMs, wait ?? backoff));
    }
  }
  throw new OpenAIRequestError(`POST ${url}: gave up after ${policy.maxRetries + 1} attempts; last: ${lastError}`);
}

/** Runs `fn` over 0..n-1 with at most `limit` calls in flight; results in index order. */
export async function mapWithConcurrency<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < n) {
      const i = next++;
      try {
        out[i] = await fn(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return out;
}
