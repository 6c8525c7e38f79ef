/** "Did you mean": the known name closest to a mistyped one, by edit distance. */

/** Levenshtein distance, case-insensitive (a field typed in the wrong case is one the user meant). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/**
 * The name of `known` closest to `name`, when it is close enough to be a typo (at most a third of the longer name's
 * characters differ, at least 1, or one contains the other); ties go to the first in `known`. Undefined otherwise.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === name) continue;
    const d = editDistance(name, k);
    const close = d <= Math.max(1, Math.floor(Math.max(name.length, k.length) / 3));
    const contains = name.length >= 3 && k.length >= 3 && (k.toLowerCase().includes(name.toLowerCase()) || name.toLowerCase().includes(k.toLowerCase()));
    if ((close || contains) && d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}
