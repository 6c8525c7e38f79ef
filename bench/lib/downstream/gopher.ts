/**
 * The heuristic peer: Gopher's quality rules (Rae et al. 2021, MassiveText, appendix A) and exact deduplication,
 * what a user would pick instead of a learned selection. Pure functions.
 *
 * Quality rules (a document is removed when any fails):
 * - word count in [50, 100000]; mean word length in [3, 10] characters;
 * - symbol-to-word ratio below 0.1 for "#" and for ellipses ("..." and "…");
 * - at most 90% of lines start with a bullet; at most 30% of lines end with an ellipsis;
 * - at least 80% of words contain an alphabetic character;
 * - at least two of the stop words the, be, to, of, and, that, have, with.
 * Repetition rules:
 * - duplicate lines: at most 30% of lines, at most 20% of characters; duplicate paragraphs likewise (30%, 20%);
 * - the most frequent 2-, 3-, 4-gram (all its occurrences) covers at most 20%, 18%, 16% of the characters;
 * - the characters inside duplicated 5..10-grams are at most 15%, 14%, 13%, 12%, 11%, 10%.
 * Words are whitespace-separated tokens; n-gram character shares are over the words' characters.
 */

const STOP_WORDS = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);
const BULLETS = /^\s*([•●○◦▪▫■□*\-–—‣⁃]|\d+[.)])\s/u;
const ELLIPSIS_END = /(\.\.\.|…)\s*$/u;

/** The first rule a text fails, or null when it passes every rule. */
export function gopherRejection(text: string): string | null {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const n = words.length;
  if (n < 50 || n > 100_000) return 'word count';
  const meanLen = words.reduce((a, w) => a + [...w].length, 0) / n;
  if (meanLen < 3 || meanLen > 10) return 'mean word length';
  const hashes = (text.match(/#/g) ?? []).length;
  const ellipses = (text.match(/\.\.\.|…/g) ?? []).length;
  if (hashes / n > 0.1) return 'hash ratio';
  if (ellipses / n > 0.1) return 'ellipsis ratio';
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length > 0) {
    if (lines.filter((l) => BULLETS.test(l)).length / lines.length > 0.9) return 'bullet lines';
    if (lines.filter((l) => ELLIPSIS_END.test(l)).length / lines.length > 0.3) return 'ellipsis lines';
  }
  if (words.filter((w) => /\p{L}/u.test(w)).length / n < 0.8) return 'alphabetic words';
  let stops = 0;
  for (const w of new Set(words.map((w) => w.toLowerCase().replace(/^\W+|\W+$/gu, '')))) if (STOP_WORDS.has(w)) stops += 1;
  if (stops < 2) return 'stop words';
  return repetitionRejection(text, words);
}

/** Share of the pieces (count and characters) that repeat an earlier identical piece. */
function duplicateShares(pieces: readonly string[]): { count: number; chars: number } {
  const seen = new Set<string>();
  let dup = 0;
  let dupChars = 0;
  let chars = 0;
  for (const p of pieces) {
    chars += p.length;
    if (seen.has(p)) {
      dup += 1;
      dupChars += p.length;
    } else seen.add(p);
  }
  return { count: pieces.length ? dup / pieces.length : 0, chars: chars ? dupChars / chars : 0 };
}

function repetitionRejection(text: string, words: readonly string[]): string | null {
  const lines = duplicateShares(text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0));
  if (lines.count > 0.3) return 'duplicate lines';
  if (lines.chars > 0.2) return 'duplicate line characters';
  const paras = duplicateShares(text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 0));
  if (paras.count > 0.3) return 'duplicate paragraphs';
  if (paras.chars > 0.2) return 'duplicate paragraph characters';

  const totalChars = words.reduce((a, w) => a + w.length, 0);
  const top: Record<number, number> = { 2: 0.2, 3: 0.18, 4: 0.16 };
  for (const k of [2, 3, 4]) {
    const counts = new Map<string, number>();
    let best = 0;
    let bestChars = 0;
    for (let i = 0; i + k <= words.length; i++) {
      const g = words.slice(i, i + k).join(' ');
      const c = (counts.get(g) ?? 0) + 1;
      counts.set(g, c);
      if (c > best) [best, bestChars] = [c, g.length - (k - 1)];
    }
    if (best > 1 && (best * bestChars) / totalChars > top[k]!) return `top ${k}-gram`;
  }
  const dupLimits: Record<number, number> = { 5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.1 };
  for (let k = 5; k <= 10; k++) {
    const seen = new Set<string>();
    const inDup = new Uint8Array(words.length);
    for (let i = 0; i + k <= words.length; i++) {
      const g = words.slice(i, i + k).join(' ');
      if (seen.has(g)) inDup.fill(1, i, i + k);
      else seen.add(g);
    }
    let dupChars = 0;
    for (let i = 0; i < words.length; i++) if (inDup[i]) dupChars += words[i]!.length;
    if (dupChars / totalChars > dupLimits[k]!) return `duplicate ${k}-grams`;
  }
  return null;
}

/** Flags of the documents the peer keeps: Gopher's rules pass and the text is the first copy of its exact bytes. */
export function gopherDedupKeep(texts: readonly string[]): boolean[] {
  const seen = new Set<string>();
  return texts.map((t) => {
    if (seen.has(t)) return false;
    seen.add(t);
    return gopherRejection(t) === null;
  });
}
