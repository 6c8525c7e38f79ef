/**
 * The rules' document scan: one pass over the characters (charCodeAt and a class table, no regex, no split, no
 * substrings) gathers every count the rules compare, then a pass over the word hashes finds repeated n-grams.
 *
 * Three ways of cutting lines are kept apart because the reference implementations differ:
 * - Python `str.splitlines()` lines (Gopher's bullet and ellipsis lines, C4's lines);
 * - `'\n'`-split segments (FineWeb's lines; Gopher's repetition lines are its non-empty segments, as `re.split('\n+')`);
 * - paragraphs, runs of non-empty segments of the stripped text (Gopher's `re.split('\n{2,}', text.strip())`).
 * Lines and paragraphs are keyed by a hash of their word tokens and their length, and confirmed equal by their
 * characters; words and n-grams by 32-bit hashes (FNV-1a over code units, then mixed).
 *
 * State lives in module-level typed arrays reused from one document to the next (grown when a document needs more),
 * so a scan allocates nothing for ordinary documents. Not reentrant; each worker thread has its own module instance.
 */
import { CC_ALPHA, CC_CLOSER, CC_LINE_BREAK, CC_PUNCT, CC_SENTENCE_END, CC_SPACE, CHAR_CLASS } from './char-classes.ts';
import { combineHash, FNV_OFFSET, FNV_PRIME, NgramCounter, SpanSet } from './hash-tables.ts';
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
  /** C4: sentences in the kept lines, and lines kept / removed by each reason (first reason in C4's order). */
  c4Sentences = 0;
  c4Kept = 0;
  c4TooLongWord = 0;
  c4NoTerminalPunct = 0;
  c4TooFewWords = 0;
  c4Javascript = 0;
  c4Policy = 0;
  lorem = 0;
  curly = 0;
  /** FineWeb: '\n'-split lines; ending with . ' " ! ?; of at most maxLength characters; characters of repeated non-blank lines. */
  fwLines = 0;
  fwPunctLines = 0;
  fwShortLines = 0;
  fwDupChars = 0;
  /** Gopher repetition: lines (runs of '\n' split), repeats, their characters; paragraphs, repeats, their characters. */
  gLines = 0;
  gDupLines = 0;
  gDupLineChars = 0;
  paragraphs = 0;
  dupParagraphs = 0;
  dupParagraphChars = 0;
  /** Characters of the most frequent n-gram times its count (n = 2..4), NaN when the document has no n-gram. */
  readonly topNgramChars = new Float64Array(11);
  /** Characters in repeated n-grams (n = 5..10). */
  readonly dupNgramChars = new Float64Array(11);
}

// ---- rule bits the scan gates on (catalog.ts) ----
const BIT_STOP = 1 << 6;
const BITS_LINES = (1 << 7) | (1 << 9) | (1 << 25);
const BITS_PARAS = (1 << 8) | (1 << 10);
const BIT_LOREM = 1 << 20;
const BIT_C4 = 1 << 22;

// ---- per-document buffers, grown on demand ----
let wordHashes = new Int32Array(4096);
/** cum[i] = characters of the first i tokens. */
let cum = new Int32Array(4097);
let ngramHashes = new Int32Array(4096);
let slotOf = new Int32Array(4096);
let candA = new Int32Array(4096);
let candB = new Int32Array(4096);
const lineSet = new SpanSet();
const paraSet = new SpanSet();
const counter = new NgramCounter();

function ensureCapacity(chars: number): void {
  if (wordHashes.length >= chars + 1) return;
  let size = wordHashes.length;
  while (size < chars + 1) size *= 2;
  wordHashes = new Int32Array(size);
  cum = new Int32Array(size + 1);
  ngramHashes = new Int32Array(size);
  slotOf = new Int32Array(size);
  candA = new Int32Array(size);
  candB = new Int32Array(size);
}

// ---- scan state shared with the helpers (module-level so the helpers need no closures) ----
let text = '';
let nTokens = 0;
let nWords = 0;
let nWordChars = 0;
let nAlpha = 0;
let stopSeen = 0;
let stopSlots: Int32Array = new Int32Array(0);
let stopHashes: Int32Array = new Int32Array(0);
let stopWordList: readonly string[] = [];
let stopShift = 0;
let stopMask = 0;
/** Hash of the current '\n' segment's tokens. */
let segTokHash = 0;
// current splitlines() line
let lineTokens = 0;
let lineMaxToken = 0;
let lineBoundaries = 0;
let lineLastBoundary = -1;
let lineJs = 0;
let linePolicy = 0;
// paragraphs: the stripped text is [stripStart, stripEnd)
let stripStart = 0;
let stripEnd = 0;
let paraStart = -1;
let paraEnd = 0;
let paraHash = 0;
let doLines = false;
let doParas = false;
let doC4 = false;
let loremFound = 0;
let shortMax = 30;
let c4MinWords = 3;
let c4MaxWordLength = 1000;
let c4DropNoPunct = true;
let c4Citations = true;
let c4DropJs = true;
let c4DropPolicy = true;
let out: DocumentStats = new DocumentStats();

function pushToken(hash: number, len: number): void {
  wordHashes[nTokens] = hash;
  cum[nTokens + 1] = cum[nTokens] + len;
  nTokens++;
  segTokHash = combineHash(segTokHash, hash);
}

/** Emits text[a, b) (punctuation only) as tokens, one per run of a repeated character. */
function pushPunctRuns(a: number, b: number): void {
  let i = a;
  while (i < b) {
    const c = text.charCodeAt(i);
    let h = FNV_OFFSET;
    let j = i;
    do {
      h = Math.imul(h ^ c, FNV_PRIME);
      j++;
    } while (j < b && text.charCodeAt(j) === c);
    pushToken(h, j - i);
    i = j;
  }
}

/** Ends the whitespace token text[start, end): its edge punctuation, its core word (text[firstNP, lastNP]). */
function endToken(start: number, end: number, firstNP: number, lastNP: number, coreHash: number, classes: number): void {
  if (firstNP < 0) {
    pushPunctRuns(start, end);
  } else {
    if (firstNP > start) pushPunctRuns(start, firstNP);
    const len = lastNP + 1 - firstNP;
    pushToken(coreHash, len);
    nWords++;
    nWordChars += len;
    if (classes & CC_ALPHA) nAlpha++;
    if (stopShift !== 0) {
      let s = Math.imul(coreHash, 0x9e3779b1) >>> stopShift;
      for (;;) {
        const e = stopSlots[s];
        if (e === 0) break;
        if (stopHashes[e - 1] === coreHash) {
          const w = stopWordList[e - 1];
          if (w.length === len && text.startsWith(w, firstNP)) stopSeen |= 1 << (e - 1);
        }
        s = (s + 1) & stopMask;
      }
    }
    if (lastNP + 1 < end) pushPunctRuns(lastNP + 1, end);
  }
  lineTokens++;
  if (end - start > lineMaxToken) lineMaxToken = end - start;
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

/**
 * At a token starting with i, u, p or c: does a phrase C4 looks for end here? Every occurrence of these phrases has
 * its last word start a whitespace token, so checking token starts finds them all: "lorem ipsum" (the document
 * rule) and C4's policy phrases (a line rule).
 */
function checkPhrasesAt(i: number, c: number): void {
  switch (c | 0x20) {
    case 0x69: // i
      if (matchesAt(i, 'ipsum') && matchesAt(i - 6, 'lorem ')) loremFound = 1;
      break;
    case 0x75: // u
      if (matchesAt(i, 'use') && matchesAt(i - 9, 'terms of ')) linePolicy = 1;
      break;
    case 0x70: // p
      if (matchesAt(i, 'policy') && (matchesAt(i - 8, 'privacy ') || matchesAt(i - 7, 'cookie '))) linePolicy = 1;
      break;
    case 0x63: // c
      if (matchesAt(i, 'cookies') && (matchesAt(i - 5, 'uses ') || matchesAt(i - 7, 'use of ') || matchesAt(i - 4, 'use '))) linePolicy = 1;
      break;
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

/** Ends a splitlines() line text[start, end). */
function endLine(start: number, end: number): void {
  out.lines++;
  let first = start;
  while (first < end && isSpace(first)) first++;
  if (first < end) {
    let last = end - 1;
    while (isSpace(last)) last--;
    const c0 = text.charCodeAt(first);
    if (c0 === 0x2022 || c0 === 0x2d) out.bulletLines++;
    const cl = text.charCodeAt(last);
    if (cl === 0x2026 || (cl === 0x2e && last - 2 >= first && text.charCodeAt(last - 1) === 0x2e && text.charCodeAt(last - 2) === 0x2e)) {
      out.ellipsisLines++;
    }
    if (doC4) c4Line(first, last);
  } else if (doC4) {
    // An empty line: no terminal punctuation, no words; kept (with no sentence) only when both removals are off.
    if (c4DropNoPunct) out.c4NoTerminalPunct++;
    else if (c4MinWords > 0) out.c4TooFewWords++;
    else out.c4Kept++;
  }
  lineTokens = 0;
  lineMaxToken = 0;
  lineBoundaries = 0;
  lineLastBoundary = -1;
  lineJs = 0;
  linePolicy = 0;
}

/** C4's line removals, in C4's order, for the stripped line text[first, last]. */
function c4Line(first: number, last: number): void {
  if (lineMaxToken > c4MaxWordLength) {
    out.c4TooLongWord++;
    return;
  }
  if (c4DropNoPunct) {
    const end = c4Citations ? endWithoutCitations(first, last + 1) : last + 1;
    const cl = end > first ? text.charCodeAt(end - 1) : 0;
    const endMark = cl === 0x2e || cl === 0x3f || cl === 0x21 || cl === 0x22 || cl === 0x27;
    const ellipsis = cl === 0x2e && end - 3 >= first && text.charCodeAt(end - 2) === 0x2e && text.charCodeAt(end - 3) === 0x2e;
    if (!endMark || ellipsis) {
      out.c4NoTerminalPunct++;
      return;
    }
  }
  if (lineTokens < c4MinWords) {
    out.c4TooFewWords++;
    return;
  }
  if (c4DropJs && lineJs) {
    out.c4Javascript++;
    return;
  }
  if (c4DropPolicy && linePolicy) {
    out.c4Policy++;
    return;
  }
  out.c4Kept++;
  // Sentence ends inside the line (an end mark followed by whitespace), plus the line's own end.
  out.c4Sentences += lineBoundaries - (lineLastBoundary > last ? 1 : 0) + 1;
}

/** Ends a '\n' segment text[start, end). */
function endSegment(start: number, end: number): void {
  const len = end - start;
  out.fwLines++;
  if (len <= shortMax) out.fwShortLines++;
  if (len > 0) {
    const cl = text.charCodeAt(end - 1);
    if (cl === 0x2e || cl === 0x27 || cl === 0x22 || cl === 0x21 || cl === 0x3f) out.fwPunctLines++;
    out.gLines++;
    if (doLines && lineSet.add(text, combineHash(segTokHash, len), start, len)) {
      out.gDupLines++;
      out.gDupLineChars += len;
      let k = start;
      while (k < end && isSpace(k)) k++;
      if (k < end) out.fwDupChars += len;
    }
  }
  if (doParas && end > stripStart && start < stripEnd) {
    const a = start < stripStart ? stripStart : start;
    const b = end > stripEnd ? stripEnd : end;
    if (a === b) endParagraph();
    else {
      if (paraStart < 0) {
        paraStart = a;
        paraHash = segTokHash;
      } else paraHash = combineHash(paraHash, segTokHash);
      paraEnd = b;
    }
  }
  segTokHash = FNV_OFFSET;
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

/** Scans `doc` for the rules enabled in `rules` (statistics of disabled rules may be left unmeasured). */
export function scanDocument(doc: string, rules: CompiledRules, stats: DocumentStats): void {
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
  const stop = rules.stopWords;
  if ((mask & BIT_STOP) !== 0 && stop.words.length > 0) {
    stopSlots = stop.slots;
    stopHashes = stop.hashes;
    stopWordList = stop.words;
    stopMask = stop.slots.length - 1;
    stopShift = 32 - Math.log2(stop.slots.length);
  } else stopShift = 0;

  // Which characters need a closer look: token starts of phrases, 'j' of "javascript", sentence ends.
  const phraseStarts = (mask & BIT_LOREM) !== 0 || (doC4 && c4DropPolicy);
  const jMask = doC4 && c4DropJs ? 1 : 0;
  const endMask = doC4 ? CC_SENTENCE_END | CC_CLOSER : 0;

  let first = 0;
  while (first < n && isSpace(first)) first++;
  let last = n;
  while (last > first && isSpace(last - 1)) last--;
  stripStart = first;
  stripEnd = last;

  nTokens = 0;
  cum[0] = 0;
  nWords = 0;
  nWordChars = 0;
  nAlpha = 0;
  stopSeen = 0;
  segTokHash = FNV_OFFSET;
  lineTokens = 0;
  lineMaxToken = 0;
  lineBoundaries = 0;
  lineLastBoundary = -1;
  lineJs = 0;
  linePolicy = 0;
  paraStart = -1;
  loremFound = 0;

  let tokStart = -1;
  let firstNP = -1;
  let lastNP = -1;
  let h = 0;
  let coreHash = 0;
  let classes = 0;
  let pending = false;
  let lineStart = 0;
  let segStart = 0;

  for (let i = 0; i < n; i++) {
    const c = doc.charCodeAt(i);
    const k = CHAR_CLASS[c];
    if ((k & CC_SPACE) === 0) {
      if (tokStart < 0) {
        tokStart = i;
        firstNP = -1;
        classes = 0;
        if (phraseStarts && (c === 0x69 || c === 0x49 || c === 0x75 || c === 0x55 || c === 0x70 || c === 0x50 || c === 0x63 || c === 0x43)) {
          checkPhrasesAt(i, c);
        }
      }
      if ((k & CC_PUNCT) === 0) {
        if (firstNP < 0) {
          firstNP = i;
          h = FNV_OFFSET;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
        coreHash = h;
        lastNP = i;
        classes |= k;
      } else if (firstNP >= 0) h = Math.imul(h ^ c, FNV_PRIME);
      if ((k & endMask) !== 0) {
        if ((k & CC_SENTENCE_END) !== 0) pending = true;
      } else {
        pending = false;
        if (jMask !== 0 && (c === 0x6a || c === 0x4a) && matchesAt(i, 'javascript')) lineJs = 1;
      }
    } else {
      if (tokStart >= 0) {
        endToken(tokStart, i, firstNP, lastNP, coreHash, classes);
        tokStart = -1;
      }
      if (pending) {
        lineBoundaries++;
        lineLastBoundary = i;
        pending = false;
      }
      if ((k & CC_LINE_BREAK) !== 0) {
        if (c === 10) {
          endSegment(segStart, i);
          segStart = i + 1;
          if (i === 0 || doc.charCodeAt(i - 1) !== 13) endLine(lineStart, i);
        } else endLine(lineStart, i);
        lineStart = i + 1;
      }
    }
  }
  if (tokStart >= 0) endToken(tokStart, n, firstNP, lastNP, coreHash, classes);
  if (lineStart < n) endLine(lineStart, n);
  endSegment(segStart, n);
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

  stats.tokens = nTokens;
  stats.words = nWords;
  stats.wordChars = nWordChars;
  stats.alphaWords = nAlpha;
  let seen = 0;
  for (let s = stopSeen; s !== 0; s &= s - 1) seen++;
  stats.stopWords = seen;
  stats.lorem = loremFound;

  countNgrams(nTokens, maxNgramOrder(mask), stats);
  text = '';
}

function resetStats(s: DocumentStats): void {
  s.lines = s.bulletLines = s.ellipsisLines = 0;
  s.c4Sentences = s.c4Kept = s.c4TooLongWord = s.c4NoTerminalPunct = s.c4TooFewWords = s.c4Javascript = s.c4Policy = 0;
  s.fwLines = s.fwPunctLines = s.fwShortLines = s.fwDupChars = 0;
  s.gLines = s.gDupLines = s.gDupLineChars = 0;
  s.paragraphs = s.dupParagraphs = s.dupParagraphChars = 0;
  s.topNgramChars.fill(Number.NaN);
  s.dupNgramChars.fill(0);
}

/** The largest n whose n-gram rule is enabled (bits 11..19 are n = 2..10), or 0. */
function maxNgramOrder(mask: number): number {
  for (let nOrder = 10; nOrder >= 2; nOrder--) if ((mask >>> (nOrder + 9)) & 1) return nOrder;
  return 0;
}

/**
 * Top n-gram characters (n = 2..4) and repeated n-gram characters (n = 5..10), as datatrove computes them
 * (find_top_duplicate, find_all_duplicate), counting only what can repeat: an n-gram can repeat only where its
 * (n-1)-gram prefix repeats, so each order looks at the positions the previous order found repeated.
 * - top: the most frequent n-gram (ties: the one that occurs first), its characters joined with spaces times its
 *   count; when none repeats, the first n-gram of the document, once.
 * - duplicate: left to right, an n-gram seen before adds its characters (without spaces) and the scan jumps past it;
 *   jumped-over n-grams are not remembered.
 */
function countNgrams(words: number, maxOrder: number, stats: DocumentStats): void {
  if (maxOrder < 2) return;
  let cand = candA;
  let next = candB;
  let nCand = words - 1;
  for (let i = 0; i < words; i++) ngramHashes[i] = wordHashes[i];
  for (let i = 0; i < nCand; i++) cand[i] = i;
  for (let order = 2; order <= maxOrder; order++) {
    const limit = words - order; // last position with an n-gram of this order
    if (limit < 0) break; // no n-gram of this order (top: NaN, duplicates: 0)
    while (nCand > 0 && cand[nCand - 1] > limit) nCand--;
    if (nCand === 0) {
      // Nothing repeats at this order or above: the top n-gram is the first one, once.
      for (let o = order; o <= maxOrder && o <= 4 && words - o >= 0; o++) stats.topNgramChars[o] = cum[o] + o - 1;
      break;
    }
    counter.begin(nCand);
    const last = order - 1;
    for (let j = 0; j < nCand; j++) {
      const pos = cand[j];
      const hash = combineHash(ngramHashes[pos], wordHashes[pos + last]);
      ngramHashes[pos] = hash;
      slotOf[pos] = counter.add(hash, cum[pos + order] - cum[pos], pos);
    }
    const counts = counter.counts;
    let nNext = 0;
    let best = 0;
    let bestPos = 0;
    for (let j = 0; j < nCand; j++) {
      const pos = cand[j];
      const count = counts[slotOf[pos]];
      if (count >= 2) next[nNext++] = pos;
      if (count > best) {
        best = count;
        bestPos = pos;
      }
    }
    if (order <= 4) {
      stats.topNgramChars[order] = best >= 2 ? (cum[bestPos + order] - cum[bestPos] + order - 1) * best : cum[order] + order - 1;
    } else {
      const marks = counter.marks;
      const stamp = counter.generation;
      let skipUntil = 0;
      let chars = 0;
      for (let j = 0; j < nNext; j++) {
        const pos = next[j];
        if (pos < skipUntil) continue;
        const s = slotOf[pos];
        if (marks[s] === stamp) {
          chars += cum[pos + order] - cum[pos];
          skipUntil = pos + order;
        } else marks[s] = stamp;
      }
      stats.dupNgramChars[order] = chars;
    }
    const t = cand;
    cand = next;
    next = t;
    nCand = nNext;
  }
}
