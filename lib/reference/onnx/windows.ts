import type { TokenWindow } from './types.ts';

/** How a document longer than the model's window is scored. */
export interface WindowOptions {
  maxTokens: number;
  /** `truncate`: the first maxTokens tokens only. `sliding`: windows of maxTokens advancing by stride. */
  mode: 'truncate' | 'sliding';
  /** Tokens a sliding window advances by (default maxTokens / 2, at least 1). */
  stride?: number;
}

/**
 * Cuts one document's token ids into the windows the model runs on. Every scored token is scored exactly once: in
 * sliding mode each window scores only the tokens past the end of the previous one (Hugging Face's strided
 * perplexity), so every token after the first window keeps at least maxTokens - stride tokens of context.
 */
export function planWindows(doc: number, ids: number[], opts: WindowOptions): TokenWindow[] {
  const { maxTokens } = opts;
  if (maxTokens < 2) throw new RangeError(`maxTokens must be at least 2 to score a next token (got ${maxTokens})`);
  if (ids.length < 2) return [];
  if (opts.mode === 'truncate' || ids.length <= maxTokens) {
    return [{ doc, ids: ids.slice(0, maxTokens), scoreFrom: 0 }];
  }
  const stride = Math.max(1, Math.min(maxTokens - 1, opts.stride ?? Math.floor(maxTokens / 2)));
  const windows: TokenWindow[] = [];
  let prevEnd = 0; // tokens [0, prevEnd) have been predicted (token 0 never is)
  for (let begin = 0; ; begin += stride) {
    const end = Math.min(begin + maxTokens, ids.length);
    // window position p predicts token begin + p + 1; score those tokens not predicted yet: begin + p + 1 >= max(prevEnd, 1)
    const scoreFrom = Math.max(0, Math.max(prevEnd, 1) - begin - 1);
    windows.push({ doc, ids: ids.slice(begin, end), scoreFrom });
    prevEnd = end;
    if (end >= ids.length) break;
  }
  return windows;
}

/** Tokens whose prediction counts towards a document's loss under these windows. */
export function scoredTokenCount(windows: TokenWindow[]): number {
  return windows.reduce((a, w) => a + Math.max(0, w.ids.length - 1 - w.scoreFrom), 0);
}
