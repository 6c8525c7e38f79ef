/**
 * Negative log-likelihood of `target` under the logits row `logits[offset .. offset + vocab)`, with a numerically
 * stable log-softmax accumulated in float64: nll = logsumexp(row) - row[target].
 */
export function nextTokenNll(logits: ArrayLike<number>, offset: number, vocab: number, target: number): number {
  if (target < 0 || target >= vocab) throw new RangeError(`token id ${target} is outside the model's vocabulary of ${vocab}`);
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const x = logits[offset + v]!;
    if (x > max) max = x;
  }
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  return max + Math.log(sum) - logits[offset + target]!;
}

/** IEEE 754 half-precision bits to a number (float16 logits of fp16 exports). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
