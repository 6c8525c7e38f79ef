/**
 * The rules' document scan: one pass over the characters (charCodeAt and a class table; no regex, no split, no
 * substrings) gathers every count the rules compare, then the n-gram pass (ngrams.ts) works on the word hashes.
 *
 * Three ways of cutting lines are kept apart because the reference implementations differ:
 * - Python `str.splitlines()` lines (Gopher's bullet and ellipsis lines, C4's lines);
 * - `'\n'`-split segments (FineWeb's lines; Gopher's repetition lines are the non-empty ones, as `re.split('\n+')`);
 * - paragraphs, runs of non-empty segments of the stripped text (Gopher's `re.split('\n{2,}', text.strip())`).
 * Words are hashed as they are read (FNV-1a over code units); a line's key is a hash of its words and its length,
 * a paragraph's a hash of its lines', and equal keys are confirmed by comparing characters, so a collision never
 * makes two different lines or paragraphs duplicates.
 *
 * The hot loop keeps its state in locals and calls out only on rare paths (a token with punctuation at an edge, a
 * line end, a phrase candidate). Buffers are module-level typed arrays reused from one document to the next, so a
 * scan allocates nothing for ordinary documents. Not reentrant; each worker thread has its own module instance.
 */
import {
  CC_ALPHA,
  CC_CLOSER,
  CC_J,
  CC_LINE_BREAK,
  CC_PHRASE_START,
  CC_PUNCT,
  CC_SENTENCE_END,
  CC_SPACE,
  CHAR_CLASS,
} from './char-classes.ts';
import { combineHash, FNV_OFFSET, FNV_PRIME, SpanSet } from './hash-tables.ts';
import { countNgrams } from './ngrams.ts';
import type { CompiledRules } from './types.ts';

/** What one scan measured. Counts are integers; n-gram arrays are indexed by n. */
export class DocumentStats {
  /** Characters (UTF-16 code units). */
  length = 0;
  newlines = 0;
  /** Word tokens, punctuation tokens included (NLTK-like; see catalog.ts). */
  tokens = 0;
  /** Tokens that are not only punctuation ("non-symbol words"), their characters, those holding a letter. */
  words = 0;
  wordChars = 0;
  alphaWords = 0;
  /** Distinct stop words seen. */
  stopWords = 0;
  /** '#' characters; "..." (non-overlapping) and '…' occurrences. */
  hashes = 0;
  ellipses = 0;
  /** `splitlines()` lines; those starting with a bullet; those ending with an ellipsis. */
  lines = 0;
  bulletLines = 0;
  ellipsisLines = 0;
  /** C4: sentences in the kept lines, and lines kept / removed by each reason (the first that applies, in C4's order). */
  c4Sentences = 0;
  c4Kept = 0;
  c4TooLongWord = 0;
  c4NoTerminalPunct = 0;
  c4TooFewWords = 0;
  c4Javascript = 0;
  c4Policy = 0;
  lorem = 0;
  curly = 0;
  /** FineWeb: '\n'-split lines; those ending with . ' " ! ?; those of at most maxLength characters; characters of repeated non-blank lines. */
  fwLines = 0;
  fwPunctLines = 0;
  fwShortLines = 0;
  fwDupChars = 0;
  /** Gopher repetition: lines (split on runs of '\n'), repeats, their characters; paragraphs, repeats, their characters. */
  gLines = 0;
  gDupLines = 0;
  gDupLineChars = 0;
  paragraphs = 0;
  dupParagraphs = 0;
  dupParagraphChars = 0;
  /** Characters of the most frequent n-gram times its count (n = 2..4); NaN when the document has no n-gram. */
  readonly topNgramChars = new Float64Array(11);
  /** Characters in repeated n-grams (n = 5..10). */
  readonly dupNgramChars = new Float64Array(11);
}

// Rule bits the scan gates work on (catalog.ts).
const BIT_STOP = 1 << 6;
const BITS_LINES = (1 << 7) | (1 << 9) | (1 << 25);
const BITS_PARAS = (1 << 8) | (1 << 10);
const BIT_LOREM = 1 << 20;
const BIT_C4 = 1 << 22;

// Per-document buffers, grown on demand: token hashes, token start offsets, cum[i] = characters of the first i tokens.
let wordHashes = new Int32Array(4096);
let wordStarts = new Int32Array(4096);
let cum = new Int32Array(4097);
const lineSet = new SpanSet();
const paraSet = new SpanSet();

function ensureCapacity(chars: number): void {
  if (wordHashes.length >= chars + 1) return;
  let size = wordHashes.length;
  while (size < chars + 1) size *= 2;
  wordHashes = new Int32Array(size);
  wordStarts = new Int32Array(size);
  cum = new Int32Array(size + 1);
}

// State the rare-path helpers share (set at the start of each scan).
let text = '';
let out = new DocumentStats();
let doLines = false;
let doParas = false;
let doC4 = false;
let shortMax = 30;
let c4MinWords = 3;
let c4MaxWordLength = 1000;
let c4DropNoPunct = true;
let c4Citations = true;
let c4DropJs = true;
let c4DropPolicy = true;
/** The stripped text (for paragraphs) is [stripStart, stripEnd). */
let stripStart = 0;
let stripEnd = 0;
/** The current paragraph: its start, end (so far) and hash; paraStart < 0 when none is open. */
let paraStart = -1;
let paraEnd = 0;
let paraHash = 0;

/** Emits text[a, b) (punctuation only) as tokens, one per run of a repeated character; returns the token count. */
function pushPunctRuns(a: number, b: number, tokens: number): number {
  let i = a;
  while (i < b) {
    const c = text.charCodeAt(i);
    let h = FNV_OFFSET;
    let j = i;
    do {
      h = Math.imul(h ^ c, FNV_PRIME);
      j++;
    } while (j < b && text.charCodeAt(j) === c);
    wordHashes[tokens] = h;
    wordStarts[tokens] = i;
    cum[tokens + 1] = cum[tokens] + (j - i);
    tokens++;
    i = j;
  }
  return tokens;
}

/** Words counted by {@link pushTokenWithPunct} (the scan's loop counts the others in locals). */
let edgeWords = 0;
let edgeWordChars = 0;
let edgeAlpha = 0;

/**
 * Emits the whitespace token text[start, end), which holds punctuation, as NLTK-like tokens: the punctuation at its
 * edges (one token per run of a repeated character) and its core, from the first to the last character that is not
 * punctuation (`hash` covers the whole token; the core is hashed again when the edges are not empty). Returns the
 * token count.
 */
function pushTokenWithPunct(start: number, end: number, hash: number, classes: number, tokens: number): number {
  let firstNP = start;
  while (firstNP < end && (CHAR_CLASS[text.charCodeAt(firstNP)] & CC_PUNCT) !== 0) firstNP++;
  if (firstNP === end) return pushPunctRuns(start, end, tokens);
  let lastNP = end - 1;
  while ((CHAR_CLASS[text.charCodeAt(lastNP)] & CC_PUNCT) !== 0) lastNP--;
  if (firstNP > start) tokens = pushPunctRuns(start, firstNP, tokens);
  let h = hash;
  if (firstNP > start || lastNP < end - 1) {
    h = FNV_OFFSET;
    for (let i = firstNP; i <= lastNP; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  const len = lastNP + 1 - firstNP;
  wordHashes[tokens] = h;
  wordStarts[tokens] = firstNP;
  cum[tokens + 1] = cum[tokens] + len;
  tokens++;
  edgeWords++;
  edgeWordChars += len;
  if ((classes & CC_ALPHA) !== 0) edgeAlpha++;
  if (lastNP < end - 1) tokens = pushPunctRuns(lastNP + 1, end, tokens);
  return tokens;
}

/** Whether the token text[start, end) contains `s` (lowercase ASCII), ignoring ASCII case. */
function tokenHas(start: number, end: number, s: string): boolean {
  for (let i = start; i + s.length <= end; i++) if (matchesAt(i, s)) return true;
  return false;
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Whether text[i, i + s.length) is `s` (lowercase ASCII) ignoring ASCII case. */
function matchesAt(i: number, s: string): boolean {
  if (i < 0 || i + s.length > text.length) return false;
  for (let k = 0; k < s.length; k++) if (lowerAscii(text.charCodeAt(i + k)) !== s.charCodeAt(k)) return false;
  return true;
}

const FOUND_LOREM = 1;
const FOUND_POLICY = 2;

/**
 * At a token starting with i, u, p or c: does a phrase C4 looks for end here? The last word of every occurrence of
 * these phrases starts a whitespace token, so checking token starts finds them all: "lorem ipsum" (a document rule)
 * and C4's policy phrases (a line rule). ASCII case-insensitive.
 */
function phrasesEndingAt(i: number, c: number): number {
  switch (c | 0x20) {
    case 0x69: // i
      return matchesAt(i, 'ipsum') && matchesAt(i - 6, 'lorem ') ? FOUND_LOREM : 0;
    case 0x75: // u
      return matchesAt(i, 'use') && matchesAt(i - 9, 'terms of ') ? FOUND_POLICY : 0;
    case 0x70: // p
      return matchesAt(i, 'policy') && (matchesAt(i - 8, 'privacy ') || matchesAt(i - 7, 'cookie ')) ? FOUND_POLICY : 0;
    default: // c
      return matchesAt(i, 'cookies') && (matchesAt(i - 5, 'uses ') || matchesAt(i - 7, 'use of ') || matchesAt(i - 4, 'use ')) ? FOUND_POLICY : 0;
  }
}

function isSpace(i: number): boolean {
  return (CHAR_CLASS[text.charCodeAt(i)] & CC_SPACE) !== 0;
}

/** C4's Wikipedia citation removal (`\[\d*]|\[edit]|\[citation needed]`), as far as it changes how a line ends. */
function endWithoutCitations(first: number, end: number): number {
  for (;;) {
    if (end - first < 2 || text.charCodeAt(end - 1) !== 0x5d) return end;
    let k = end - 2;
    while (k >= first && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k--;
    if (k >= first && text.charCodeAt(k) === 0x5b) end = k;
    else if (end - first >= 6 && text.startsWith('[edit]', end - 6)) end -= 6;
    else if (end - first >= 17 && text.startsWith('[citation needed]', end - 17)) end -= 17;
    else return end;
  }
}

/**
 * Ends a splitlines() line text[start, end) with what the scan counted in it: whitespace tokens, the longest one,
 * sentence ends followed by whitespace (and where the last was), "javascript" and policy phrase flags.
 */
function endLine(start: number, end: number, tokens: number, maxToken: number, boundaries: number, lastBoundary: number, js: number, policy: number): void {
  out.lines++;
  let first = start;
  while (first < end && isSpace(first)) first++;
  if (first === end) {
    // An empty line: no terminal punctuation, no words; kept (with no sentence) only when both removals are off.
    if (!doC4) return;
    if (c4DropNoPunct) out.c4NoTerminalPunct++;
    else if (c4MinWords > 0) out.c4TooFewWords++;
    else out.c4Kept++;
    return;
  }
  let last = end - 1;
  while (isSpace(last)) last--;
  const c0 = text.charCodeAt(first);
  if (c0 === 0x2022 || c0 === 0x2d) out.bulletLines++;
  const cl = text.charCodeAt(last);
  if (cl === 0x2026 || (cl === 0x2e && last - 2 >= first && text.charCodeAt(last - 1) === 0x2e && text.charCodeAt(last - 2) === 0x2e)) {
    out.ellipsisLines++;
  }
  if (!doC4) return;
  // C4's line removals, in C4's order, on the stripped line text[first, last].
  if (maxToken > c4MaxWordLength) {
    out.c4TooLongWord++;
    return;
  }
  if (c4DropNoPunct) {
    const e = c4Citations ? endWithoutCitations(first, last + 1) : last + 1;
    const ce = e > first ? text.charCodeAt(e - 1) : 0;
    const endMark = ce === 0x2e || ce === 0x3f || ce === 0x21 || ce === 0x22 || ce === 0x27;
    const ellipsis = ce === 0x2e && e - 3 >= first && text.charCodeAt(e - 2) === 0x2e && text.charCodeAt(e - 3) === 0x2e;
    if (!endMark || ellipsis) {
      out.c4NoTerminalPunct++;
      return;
    }
  }
  if (tokens < c4MinWords) {
    out.c4TooFewWords++;
    return;
  }
  if (c4DropJs && js !== 0) {
    out.c4Javascript++;
    return;
  }
  if (c4DropPolicy && policy !== 0) {
    out.c4Policy++;
    return;
  }
  out.c4Kept++;
  // Sentence ends inside the line (an end mark followed by whitespace), plus the line's own end.
  out.c4Sentences += boundaries - (lastBoundary > last ? 1 : 0) + 1;
}

/** Ends a '\n' segment text[start, end) whose tokens are [firstToken, tokens). */
function endSegment(start: number, end: number, firstToken: number, tokens: number): void {
  const len = end - start;
  out.fwLines++;
  if (len <= shortMax) out.fwShortLines++;
  if (len === 0) {
    if (doParas && start > stripStart && start < stripEnd) endParagraph();
    return;
  }
  const cl = text.charCodeAt(end - 1);
  if (cl === 0x2e || cl === 0x27 || cl === 0x22 || cl === 0x21 || cl === 0x3f) out.fwPunctLines++;
  out.gLines++;
  if (!doLines && !doParas) return;
  let h = FNV_OFFSET;
  for (let t = firstToken; t < tokens; t++) h = Math.imul(h ^ wordHashes[t], FNV_PRIME);
  if (doLines && lineSet.add(text, combineHash(h, len), start, len)) {
    out.gDupLines++;
    out.gDupLineChars += len;
    let k = start;
    while (k < end && isSpace(k)) k++;
    if (k < end) out.fwDupChars += len;
  }
  if (doParas && end > stripStart && start < stripEnd) {
    if (paraStart < 0) {
      paraStart = start < stripStart ? stripStart : start;
      paraHash = h;
    } else paraHash = combineHash(paraHash, h);
    paraEnd = end > stripEnd ? stripEnd : end;
  }
}

function endParagraph(): void {
  if (paraStart < 0) return;
  const len = paraEnd - paraStart;
  out.paragraphs++;
  if (paraSet.add(text, combineHash(paraHash, len), paraStart, len)) {
    out.dupParagraphs++;
    out.dupParagraphChars += len;
  }
  paraStart = -1;
}

function countOccurrences(s: string, needle: string): number {
  let n = 0;
  for (let k = s.indexOf(needle); k !== -1; k = s.indexOf(needle, k + needle.length)) n++;
  return n;
}

/** The largest n whose n-gram rule is enabled (bits 11..19 are n = 2..10), or 0. */
function maxNgramOrder(mask: number): number {
  for (let order = 10; order >= 2; order--) if ((mask >>> (order + 9)) & 1) return order;
  return 0;
}

function resetStats(s: DocumentStats): void {
  s.lines = s.bulletLines = s.ellipsisLines = 0;
  s.c4Sentences = s.c4Kept = s.c4TooLongWord = s.c4NoTerminalPunct = s.c4TooFewWords = s.c4Javascript = s.c4Policy = 0;
  s.fwLines = s.fwPunctLines = s.fwShortLines = s.fwDupChars = 0;
  s.gLines = s.gDupLines = s.gDupLineChars = 0;
  s.paragraphs = s.dupParagraphs = s.dupParagraphChars = 0;
  s.lorem = 0;
  s.stopWords = 0;
  s.topNgramChars.fill(Number.NaN);
  s.dupNgramChars.fill(0);
}

/**
 * Counts the distinct stop words among the tokens (matched by hash, confirmed by characters), stopping once `enough`
 * are found.
 */
function countStopWords(rules: CompiledRules, tokens: number, enough: number): number {
  const { slots, hashes, words } = rules.stopWords;
  const shift = 32 - Math.log2(slots.length);
  const mask = slots.length - 1;
  const tokenHashes = wordHashes;
  let seen = 0;
  let count = 0;
  for (let t = 0; t < tokens && count < enough; t++) {
    const h = tokenHashes[t];
    let s = Math.imul(h, 0x9e3779b1) >>> shift;
    for (let e = slots[s]; e !== 0; e = slots[s]) {
      // Confirmed once per stop word: after that its hash is enough to skip it.
      if (hashes[e - 1] === h && ((seen >>> (e - 1)) & 1) === 0) {
        const w = words[e - 1];
        if (w.length === cum[t + 1] - cum[t] && text.startsWith(w, wordStarts[t])) {
          seen |= 1 << (e - 1);
          count++;
        }
      }
      s = (s + 1) & mask;
    }
  }
  return count;
}

/**
 * Scans `doc` for the rules enabled in `rules`, into `stats`, all but the n-gram statistics ({@link scanNgrams}).
 * Statistics of disabled rules may be left unmeasured. With `exact` false, counts that only feed a threshold stop once
 * the verdict is certain (the distinct stop words stop at the rule's minimum).
 */
export function scanDocument(doc: string, rules: CompiledRules, stats: DocumentStats, exact: boolean): void {
  const n = doc.length;
  const mask = rules.mask;
  const p = rules.params;
  text = doc;
  out = stats;
  resetStats(stats);
  stats.length = n;
  ensureCapacity(n);

  // Native searches for what is rare in prose.
  const newlines = countOccurrences(doc, '\n');
  stats.newlines = newlines;
  stats.hashes = countOccurrences(doc, '#');
  stats.ellipses = countOccurrences(doc, '...') + countOccurrences(doc, '\u2026');
  stats.curly = doc.indexOf('{') === -1 ? 0 : 1;

  doLines = (mask & BITS_LINES) !== 0;
  doParas = (mask & BITS_PARAS) !== 0;
  doC4 = (mask & BIT_C4) !== 0;
  if (doLines) lineSet.begin(newlines + 1);
  if (doParas) paraSet.begin(newlines + 1);
  const c4 = p['c4.min_sentences'];
  c4MinWords = c4.minWordsPerLine;
  c4MaxWordLength = c4.maxWordLength;
  c4DropNoPunct = c4.dropNoTerminalPunct;
  c4Citations = c4.removeCitations;
  c4DropJs = c4.dropJavascript;
  c4DropPolicy = c4.dropPolicy;
  shortMax = p['fineweb.short_line_ratio'].maxLength;

  // Which characters need a closer look: token starts of phrases, the 'j' of "javascript", sentence ends.
  const phraseMask = (mask & BIT_LOREM) !== 0 || (doC4 && c4DropPolicy) ? CC_PHRASE_START : 0;
  const jMask = doC4 && c4DropJs ? CC_J : 0;

  let first = 0;
  while (first < n && isSpace(first)) first++;
  let last = n;
  while (last > first && isSpace(last - 1)) last--;
  stripStart = first;
  stripEnd = last;
  paraStart = -1;

  const T = CHAR_CLASS;
  const hashesOut = wordHashes;
  const startsOut = wordStarts;
  const cumOut = cum;
  cumOut[0] = 0;
  edgeWords = 0;
  edgeWordChars = 0;
  edgeAlpha = 0;
  let tokens = 0;
  let words = 0;
  let wordChars = 0;
  let alpha = 0;
  let lorem = 0;
  // the current splitlines() line
  let lineStart = 0;
  let lineTokens = 0;
  let lineMaxToken = 0;
  let boundaries = 0;
  let lastBoundary = -1;
  let js = 0;
  let policy = 0;
  // the current '\n' segment
  let segStart = 0;
  let segToken = 0;

  let i = 0;
  outer: while (i < n) {
    let c = doc.charCodeAt(i);
    let k = T[c];
    // Whitespace, with the line and segment ends it holds.
    while ((k & CC_SPACE) !== 0) {
      if ((k & CC_LINE_BREAK) !== 0) {
        if (c === 10) {
          endSegment(segStart, i, segToken, tokens);
          segStart = i + 1;
          segToken = tokens;
        }
        // "\r\n" is one splitlines() boundary: the line ended at the '\r'.
        if (c !== 10 || i === 0 || doc.charCodeAt(i - 1) !== 13) {
          endLine(lineStart, i, lineTokens, lineMaxToken, boundaries, lastBoundary, js, policy);
          lineTokens = 0;
          lineMaxToken = 0;
          boundaries = 0;
          lastBoundary = -1;
          js = 0;
          policy = 0;
        }
        lineStart = i + 1;
      }
      if (++i === n) break outer;
      c = doc.charCodeAt(i);
      k = T[c];
    }
    // A whitespace token text[start, i): hash every character, gather the classes it holds.
    const start = i;
    if ((k & phraseMask) !== 0) {
      const found = phrasesEndingAt(i, c);
      if (found === FOUND_LOREM) lorem = 1;
      else if (found === FOUND_POLICY) policy = 1;
    }
    let h = FNV_OFFSET;
    let hBeforeLast = h;
    let classes = 0;
    let lastClass = 0;
    let lastChar = 0;
    do {
      hBeforeLast = h;
      h = Math.imul(h ^ c, FNV_PRIME);
      classes |= k;
      lastClass = k;
      lastChar = c;
      if (++i === n) break;
      c = doc.charCodeAt(i);
      k = T[c];
    } while ((k & CC_SPACE) === 0);
    const len = i - start;
    if ((classes & CC_PUNCT) === 0 || ((T[doc.charCodeAt(start)] & CC_PUNCT) === 0 && (lastClass & CC_PUNCT) === 0)) {
      // No punctuation at the edges: the whole token is one word (the common case).
      hashesOut[tokens] = h;
      startsOut[tokens] = start;
      cumOut[tokens + 1] = cumOut[tokens] + len;
      tokens++;
      words++;
      wordChars += len;
      if ((classes & CC_ALPHA) !== 0) alpha++;
    } else {
      if ((T[doc.charCodeAt(start)] & CC_PUNCT) === 0 && (T[doc.charCodeAt(i - 2)] & CC_PUNCT) === 0) {
        // One punctuation character after a word ("word," "word."): the word, then the character.
        hashesOut[tokens] = hBeforeLast;
        startsOut[tokens] = start;
        cumOut[tokens + 1] = cumOut[tokens] + len - 1;
        tokens++;
        hashesOut[tokens] = Math.imul(FNV_OFFSET ^ lastChar, FNV_PRIME);
        startsOut[tokens] = i - 1;
        cumOut[tokens + 1] = cumOut[tokens] + 1;
        tokens++;
        words++;
        wordChars += len - 1;
        if ((classes & CC_ALPHA) !== 0) alpha++;
      } else tokens = pushTokenWithPunct(start, i, h, classes, tokens);
      // A sentence end (. ! ? then closing quotes or brackets) right before whitespace.
      if (doC4 && (classes & CC_SENTENCE_END) !== 0 && i < n) {
        let e = i - 1;
        while (e > start && (T[doc.charCodeAt(e)] & CC_CLOSER) !== 0 && (T[doc.charCodeAt(e)] & CC_SENTENCE_END) === 0) e--;
        if ((T[doc.charCodeAt(e)] & CC_SENTENCE_END) !== 0) {
          boundaries++;
          lastBoundary = i;
        }
      }
    }
    if ((classes & jMask) !== 0 && tokenHas(start, i, 'javascript')) js = 1;
    lineTokens++;
    if (len > lineMaxToken) lineMaxToken = len;
  }
  if (lineStart < n) endLine(lineStart, n, lineTokens, lineMaxToken, boundaries, lastBoundary, js, policy);
  endSegment(segStart, n, segToken, tokens);
  if (doParas) {
    endParagraph();
    if (first >= last) stats.paragraphs = 1; // the stripped text is empty: one empty paragraph
  }
  // re.split('\n+') also yields an empty first / last line when the text starts / ends with '\n' ('' when empty).
  if (n === 0) stats.gLines = 1;
  else {
    const edges = (doc.charCodeAt(0) === 10 ? 1 : 0) + (doc.charCodeAt(n - 1) === 10 ? 1 : 0);
    stats.gLines += edges;
    if (edges === 2) stats.gDupLines++;
  }

  stats.tokens = tokens;
  stats.words = words + edgeWords;
  stats.wordChars = wordChars + edgeWordChars;
  stats.alphaWords = alpha + edgeAlpha;
  stats.lorem = lorem;
  if ((mask & BIT_STOP) !== 0) stats.stopWords = countStopWords(rules, tokens, exact ? 32 : p['gopher.stop_words'].min);
  text = '';
  scannedTokens = tokens;
}

/** Tokens of the last {@link scanDocument}. */
let scannedTokens = 0;

/** The n-gram statistics of the document {@link scanDocument} scanned last (its word hashes are still in the buffers). */
export function scanNgrams(rules: CompiledRules, stats: DocumentStats): void {
  countNgrams(wordHashes, cum, scannedTokens, maxNgramOrder(rules.mask), stats);
}
