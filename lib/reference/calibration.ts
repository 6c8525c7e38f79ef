/**
 * Bytes -> tokens calibration of the reference tokenizer. BPE-tokenizing a whole corpus costs more than scoring it
 * (about 2 MB/s in pure JS), so tokens of unsampled documents are estimated from their UTF-8 bytes with a ratio fitted
 * on the labelled sample; the error is measured on held-out sample documents and reported in the manifest.
 */
export interface TokenCalibration {
  tokensPerByte: number;
  /** Fitted on this many documents. */
  n: number;
}

export interface CalibrationError {
  n: number;
  /** Mean over documents of |estimate - actual| / actual (documents with at least one token). */
  meanAbsRelError: number;
  /** |sum of estimates - sum of actual| / sum of actual: what matters for filling a budget. */
  totalRelError: number;
}

/** Ratio estimator sum(tokens) / sum(bytes): unbiased for totals, which is what budgets add up. */
export function fitTokenCalibration(docs: { bytes: number; tokens: number }[]): TokenCalibration {
  let bytes = 0;
  let tokens = 0;
  for (const d of docs) {
    bytes += d.bytes;
    tokens += d.tokens;
  }
  return { tokensPerByte: bytes > 0 ? tokens / bytes : 0, n: docs.length };
}

/** Estimated tokens of a document of `bytes` UTF-8 bytes: an integer, at least 1 for any non-empty text. */
export function estimateTokens(cal: TokenCalibration, bytes: number): number {
  if (bytes <= 0) return 0;
  return Math.max(1, Math.round(bytes * cal.tokensPerByte));
}

export function calibrationError(cal: TokenCalibration, docs: { bytes: number; tokens: number }[]): CalibrationError {
  let rel = 0;
  let counted = 0;
  let est = 0;
  let actual = 0;
  for (const d of docs) {
    const e = estimateTokens(cal, d.bytes);
    est += e;
    actual += d.tokens;
    if (d.tokens > 0) {
      rel += Math.abs(e - d.tokens) / d.tokens;
      counted += 1;
    }
  }
  return {
    n: docs.length,
    meanAbsRelError: counted > 0 ? rel / counted : 0,
    totalRelError: actual > 0 ? Math.abs(est - actual) / actual : 0,
  };
}
