// AssemblyScript source of the rules' evaluation kernel (compiled to WebAssembly by `npm run build:kernel`, embedded in
// rules-kernel.wasm.ts). It mirrors lib/rules/scan.ts, ngrams.ts and evaluate.ts bit for bit: the same tokens, the same
// 32-bit hashes (the n-gram keys are not confirmed by characters, so they must be the same), the same counts, the same
// float64 ratios and comparisons. The TypeScript modules stay the reference (measureRules, the rule tests);
// test/rules/kernel-differential.test.ts compares the two on many documents and configurations.
//
// A document is evaluated from its token records (tokenize below, or the featurizer's scan kernel, which writes the
// same records in its own pass over the text: evaluateTokensBatch): scanTokens walks tokens, not characters.
//
// Memory (byte addresses, set by the caller, lib/rules/kernel/rules-kernel.ts): the character class table (u16 [65536],
// char-classes.ts KERNEL_CHAR_CLASS), the compiled rules (f64 parameters, the stop-word table and characters), the
// scratch of one document (token records, token hashes, starts, cumulative lengths, n-gram arrays and table, the line
// and paragraph sets), and per call the batch's texts as UTF-16 code units, their starts (with the scan's token
// records, their offsets and the newline counts) and the output bitmasks.

// Character classes (char-classes.ts).
const CC_SPACE: i32 = 1;
const CC_PUNCT: i32 = 2;
const CC_ALPHA: i32 = 4;
const CC_LINE_BREAK: i32 = 8;
const CC_SENTENCE_END: i32 = 16;
const CC_CLOSER: i32 = 32;
const CC_PHRASE_START: i32 = 64; // i, u, p, c: a token without one skips phraseMayStart's load
const CC_J: i32 = 128;
/** '.', '#', '…' or '{' (the kernel's u16 class table only, char-classes.ts KERNEL_CHAR_CLASS). */
const CC_RARE: i32 = 256;

// Hashing (hash-tables.ts).
const FNV_OFFSET: i32 = <i32>0x811c9dc5;
const FNV_PRIME: i32 = 0x01000193;
const GOLD: i32 = <i32>0x9e3779b1;

// Rule bits (catalog.ts).
const BIT_STOP: i32 = 1 << 6;
const BITS_LINES: i32 = (1 << 7) | (1 << 9) | (1 << 25);
const BITS_PARAS: i32 = (1 << 8) | (1 << 10);
const BIT_LOREM: i32 = 1 << 20;
const BIT_C4: i32 = 1 << 22;
const NGRAM_BITS: i32 = 0x1ff << 11;

// Parameter indices of the f64 parameters (rules-kernel.ts writes them in this order).
const P_WC_MIN = 0;
const P_WC_MAX = 1;
const P_MWL_MIN = 2;
const P_MWL_MAX = 3;
const P_SYMBOL = 4;
const P_BULLET = 5;
const P_ELLIPSIS = 6;
const P_ALPHA = 7;
const P_STOP = 8;
const P_DUP_LINE = 9;
const P_DUP_PARA = 10;
const P_DUP_LINE_CHAR = 11;
const P_DUP_PARA_CHAR = 12;
const P_TOP = 11; // + n for n = 2..4 (13..15)
const P_DUP_NGRAM = 11; // + n for n = 5..10 (16..21)
const P_C4_MIN = 22;
const P_PUNCT_MIN = 23;
const P_PUNCT_EXCLUDE_ZERO = 24;
const P_SHORT = 25;
const P_FW_DUP = 26;
const P_LIST = 27;
export const PARAMS: i32 = 28;

// Flags of the C4 line removals.
const F_DROP_NO_PUNCT: i32 = 1;
const F_CITATIONS: i32 = 2;
const F_DROP_JS: i32 = 4;
const F_DROP_POLICY: i32 = 8;

// ---- configuration (setup, setRules) ----
let classAt: usize = 0;
let paramsAt: usize = 0; // f64 [PARAMS]
let stopSlotsAt: usize = 0; // i32 [stopMask + 1]: index + 1 into the stop words, 0 = empty
let stopMask: i32 = 0;
let stopShift: i32 = 0;
let stopHashesAt: usize = 0; // i32 [words]
let stopOffsetsAt: usize = 0; // i32 [words + 1]: the words' code units are stopChars[offsets[w], offsets[w + 1])
let stopCharsAt: usize = 0; // u16
let ruleMask: i32 = 0;
let exhaustive: bool = true;
let stopEnough: i32 = 0;
let c4MinWords: i32 = 3;
let c4MaxWordLength: i32 = 1000;
let c4DropNoPunct: bool = true;
let c4Citations: bool = true;
let c4DropJs: bool = true;
let c4DropPolicy: bool = true;
let shortMax: i32 = 30;
let maxOrder: i32 = 0;

// ---- scratch (setScratch): sized for documents of up to `scratchChars` code units ----
let wordHashesAt: usize = 0; // i32 [chars + 1]
let wordStartsAt: usize = 0; // i32 [chars + 1]
let cumAt: usize = 0; // i32 [chars + 2]
let ngHashesAt: usize = 0; // i32 [chars + 1]
let slotOfAt: usize = 0; // i32 [chars + 1]
let candAAt: usize = 0; // i32 [chars + 1]
let candBAt: usize = 0; // i32 [chars + 1]
let recordsAt: usize = 0; // i32 [4 * ((chars + 2) / 2)]: tokenize's records
let ngTableAt: usize = 0; // i32 [2 * 2 * capacity]: key, count (see countNgrams)
let lineSetAt: usize = 0; // i32 [4 * capacity]: stamp, hash, start, length
let lineSetBytes: usize = 0;
let lineGen: i32 = 0;
let paraSetAt: usize = 0;
let paraGen: i32 = 0;
let setMask: i32 = 15;
let setShift: i32 = 28;

/** Where the caller may place its tables: the first address after the kernel's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** The class table's address (filled by the caller). */
export function setup(classTable: usize, params: usize): void {
  classAt = classTable;
  paramsAt = params;
}

/** The compiled rules (the f64 parameters are at `params`, the stop-word table where given). */
export function setRules(
  mask: i32, isExhaustive: i32, enoughStops: i32, minWords: i32, maxWordLength: i32, flags: i32, shortMaxLength: i32,
  slots: usize, slotCount: i32, hashes: usize, offsets: usize, chars: usize,
): void {
  ruleMask = mask;
  exhaustive = isExhaustive != 0;
  stopEnough = enoughStops;
  c4MinWords = minWords;
  c4MaxWordLength = maxWordLength;
  c4DropNoPunct = (flags & F_DROP_NO_PUNCT) != 0;
  c4Citations = (flags & F_CITATIONS) != 0;
  c4DropJs = (flags & F_DROP_JS) != 0;
  c4DropPolicy = (flags & F_DROP_POLICY) != 0;
  shortMax = shortMaxLength;
  stopSlotsAt = slots;
  stopMask = slotCount - 1;
  stopShift = 32 - <i32>ctz(slotCount);
  stopHashesAt = hashes;
  stopOffsetsAt = offsets;
  stopCharsAt = chars;
  maxOrder = 0;
  for (let order = 10; order >= 2; order--) {
    if (((mask >>> (order + 9)) & 1) != 0) {
      maxOrder = order;
      break;
    }
  }
}

/** The scratch region for documents of up to `chars` code units (zeroed by the caller: every stamp is 0). */
export function setScratch(at: usize, chars: i32): usize {
  const words = <usize>(chars + 2) << 2;
  wordHashesAt = at;
  wordStartsAt = wordHashesAt + words;
  cumAt = wordStartsAt + words;
  ngHashesAt = cumAt + words;
  slotOfAt = ngHashesAt + words;
  candAAt = slotOfAt + words;
  candBAt = candAAt + words;
  recordsAt = candBAt + words;
  ngTableAt = recordsAt + (words << 1);
  lineSetAt = ngTableAt + (capacityFor(chars) << 4); // 2 * capacityFor(chars) slots of 8 bytes
  lineSetBytes = capacityFor(chars + 1) << 4;
  paraSetAt = lineSetAt + lineSetBytes;
  lineGen = 0;
  paraGen = 0;
  return paraSetAt + lineSetBytes;
}

/** Bytes of scratch for documents of up to `chars` code units. */
export function scratchBytes(chars: i32): usize {
  return 9 * (<usize>(chars + 2) << 2) + (capacityFor(chars) << 4) + 2 * (capacityFor(chars + 1) << 4);
}

function capacityFor(entries: i32): usize {
  let cap: usize = 16;
  while (cap < <usize>entries * 2) cap <<= 1;
  return cap;
}

// ---- the current document ----
let tp: usize = 0;
let n: i32 = 0;

// @ts-ignore: decorator
@inline function ch(i: i32): i32 {
  return <i32>load<u16>(tp + ((<usize>i) << 1));
}
// @ts-ignore: decorator
@inline function cls(c: i32): i32 {
  return <i32>load<u16>(classAt + ((<usize>c) << 1));
}
// @ts-ignore: decorator
@inline function chAt(text: usize, i: i32): i32 {
  return <i32>load<u16>(text + ((<usize>i) << 1));
}
// @ts-ignore: decorator
@inline function clsAt(table: usize, c: i32): i32 {
  return <i32>load<u16>(table + ((<usize>c) << 1));
}
// @ts-ignore: decorator
@inline function geti(base: usize, i: i32): i32 {
  return load<i32>(base + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline function seti(base: usize, i: i32, v: i32): void {
  store<i32>(base + ((<usize>i) << 2), v);
}
// @ts-ignore: decorator
@inline function param(i: i32): f64 {
  return load<f64>(paramsAt + ((<usize>i) << 3));
}

function combineHash(a: i32, b: i32): i32 {
  let h = a * GOLD + b;
  h ^= h >>> 16;
  h *= <i32>0x85ebca6b;
  h ^= h >>> 13;
  return h;
}

// Statistics (scan.ts DocumentStats).
let sNewlines = 0;
let sTokens = 0;
let sWords = 0;
let sWordChars = 0;
let sAlpha = 0;
let sStopWords = 0;
let sHashes = 0;
let sEllipses = 0;
let sLines = 0;
let sBulletLines = 0;
let sEllipsisLines = 0;
let sC4Sentences = 0;
let sLorem = 0;
let sCurly = 0;
let sFwLines = 0;
let sFwPunctLines = 0;
let sFwShortLines = 0;
let sFwDupChars = 0;
let sGLines = 0;
let sGDupLines = 0;
let sGDupLineChars = 0;
let sParagraphs = 0;
let sDupParagraphs = 0;
let sDupParagraphChars = 0;
// n-gram statistics, by n (top: n = 2..4, NaN when none; duplicates: n = 5..10)
let top2: f64 = NaN;
let top3: f64 = NaN;
let top4: f64 = NaN;
let dup5: f64 = 0;
let dup6: f64 = 0;
let dup7: f64 = 0;
let dup8: f64 = 0;
let dup9: f64 = 0;
let dup10: f64 = 0;

let doLines = false;
let doParas = false;
let doC4 = false;
let stripStart = 0;
let stripEnd = 0;
let paraStart = -1;
let paraEnd = 0;
let paraHash = 0;
let edgeWords = 0;
let edgeWordChars = 0;
let edgeAlpha = 0;

function setTop(order: i32, v: f64): void {
  if (order == 2) top2 = v;
  else if (order == 3) top3 = v;
  else top4 = v;
}

function setDup(order: i32, v: f64): void {
  if (order == 5) dup5 = v;
  else if (order == 6) dup6 = v;
  else if (order == 7) dup7 = v;
  else if (order == 8) dup8 = v;
  else if (order == 9) dup9 = v;
  else dup10 = v;
}

/** Emits text[a, b) (punctuation only) as tokens, one per run of a repeated character; returns the token count. */
function pushPunctRuns(a: i32, b: i32, tokens: i32): i32 {
  let i = a;
  while (i < b) {
    const c = ch(i);
    let h = FNV_OFFSET;
    let j = i;
    do {
      h = (h ^ c) * FNV_PRIME;
      j++;
    } while (j < b && ch(j) == c);
    seti(wordHashesAt, tokens, h);
    seti(wordStartsAt, tokens, i);
    seti(cumAt, tokens + 1, geti(cumAt, tokens) + (j - i));
    tokens++;
    i = j;
  }
  return tokens;
}

function pushTokenWithPunct(start: i32, end: i32, hash: i32, classes: i32, tokens: i32): i32 {
  let firstNP = start;
  while (firstNP < end && (cls(ch(firstNP)) & CC_PUNCT) != 0) firstNP++;
  if (firstNP == end) return pushPunctRuns(start, end, tokens);
  let lastNP = end - 1;
  while ((cls(ch(lastNP)) & CC_PUNCT) != 0) lastNP--;
  if (firstNP > start) tokens = pushPunctRuns(start, firstNP, tokens);
  let h = hash;
  if (firstNP > start || lastNP < end - 1) {
    h = FNV_OFFSET;
    for (let i = firstNP; i <= lastNP; i++) h = (h ^ ch(i)) * FNV_PRIME;
  }
  const len = lastNP + 1 - firstNP;
  seti(wordHashesAt, tokens, h);
  seti(wordStartsAt, tokens, firstNP);
  seti(cumAt, tokens + 1, geti(cumAt, tokens) + len);
  tokens++;
  edgeWords++;
  edgeWordChars += len;
  if ((classes & CC_ALPHA) != 0) edgeAlpha++;
  if (lastNP < end - 1) tokens = pushPunctRuns(lastNP + 1, end, tokens);
  return tokens;
}

// Phrases (lowercase ASCII), as code units in static memory.
const S_IPSUM = memory.data<u16>([0x69, 0x70, 0x73, 0x75, 0x6d]);
const S_LOREM_ = memory.data<u16>([0x6c, 0x6f, 0x72, 0x65, 0x6d, 0x20]);
const S_USE = memory.data<u16>([0x75, 0x73, 0x65]);
const S_TERMS_OF_ = memory.data<u16>([0x74, 0x65, 0x72, 0x6d, 0x73, 0x20, 0x6f, 0x66, 0x20]);
const S_POLICY = memory.data<u16>([0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79]);
const S_PRIVACY_ = memory.data<u16>([0x70, 0x72, 0x69, 0x76, 0x61, 0x63, 0x79, 0x20]);
const S_COOKIE_ = memory.data<u16>([0x63, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x20]);
const S_COOKIES = memory.data<u16>([0x63, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x73]);
const S_USES_ = memory.data<u16>([0x75, 0x73, 0x65, 0x73, 0x20]);
const S_USE_OF_ = memory.data<u16>([0x75, 0x73, 0x65, 0x20, 0x6f, 0x66, 0x20]);
const S_USE_ = memory.data<u16>([0x75, 0x73, 0x65, 0x20]);
const S_JAVASCRIPT = memory.data<u16>([0x6a, 0x61, 0x76, 0x61, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74]);
const S_EDIT = memory.data<u16>([0x5b, 0x65, 0x64, 0x69, 0x74, 0x5d]);
const S_CITATION = memory.data<u16>([
  0x5b, 0x63, 0x69, 0x74, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20, 0x6e, 0x65, 0x65, 0x64, 0x65, 0x64, 0x5d,
]);

/** Whether text[i, i + len) is the phrase at s (lowercase ASCII) ignoring ASCII case. */
function matchesAt(i: i32, s: usize, len: i32): bool {
  if (i < 0 || i + len > n) return false;
  for (let k = 0; k < len; k++) {
    let c = ch(i + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c != <i32>load<u16>(s + ((<usize>k) << 1))) return false;
  }
  return true;
}

/** Whether text[i, i + len) is exactly the code units at s. */
function equalsAt(i: i32, s: usize, len: i32): bool {
  for (let k = 0; k < len; k++) if (ch(i + k) != <i32>load<u16>(s + ((<usize>k) << 1))) return false;
  return true;
}

function tokenHasJavascript(start: i32, end: i32): bool {
  for (let i = start; i + 10 <= end; i++) if (matchesAt(i, S_JAVASCRIPT, 10)) return true;
  return false;
}

const FOUND_LOREM = 1;
const FOUND_POLICY = 2;

/**
 * Whether the code units at p start like the last word of a phrase ("ips", "use", "pol", "coo", ASCII case-insensitive):
 * a filter before phrasesEndingAt. One load takes the token's first four code units; the fourth is masked off and the
 * three compared with the four prefixes without branches (a filter on the first code unit's class, then on the next
 * two, cost a branch on about every fifth token that the processor could not predict). It may read up to three code
 * units past the text (its sentinel, then whatever follows in memory): a phrase that ends here lies within the text, so
 * that can only let a non-phrase through, which phrasesEndingAt then rejects. scanTokens passes NO_PHRASE (zeros: no
 * prefix) for a token without any of i, u, p, c (its record's classes lack CC_PHRASE_START), so the text of such a
 * token is not read at all (a select, not a branch: which tokens hold one of the four letters is hard to predict).
 */
// @ts-ignore: decorator
@inline function phraseMayStart(p: usize): bool {
  const x = (load<u64>(p) | 0x0020_0020_0020) & 0xffff_ffff_ffff;
  return (<i32>(x == 0x0073_0070_0069) | <i32>(x == 0x0065_0073_0075) | <i32>(x == 0x006c_006f_0070) | <i32>(x == 0x006f_006f_0063)) != 0;
}

const NO_PHRASE = memory.data(8);

function phrasesEndingAt(i: i32, c: i32): i32 {
  const l = c | 0x20;
  if (l == 0x69) return matchesAt(i, S_IPSUM, 5) && matchesAt(i - 6, S_LOREM_, 6) ? FOUND_LOREM : 0;
  if (l == 0x75) return matchesAt(i, S_USE, 3) && matchesAt(i - 9, S_TERMS_OF_, 9) ? FOUND_POLICY : 0;
  if (l == 0x70) {
    return matchesAt(i, S_POLICY, 6) && (matchesAt(i - 8, S_PRIVACY_, 8) || matchesAt(i - 7, S_COOKIE_, 7)) ? FOUND_POLICY : 0;
  }
  return matchesAt(i, S_COOKIES, 7) && (matchesAt(i - 5, S_USES_, 5) || matchesAt(i - 7, S_USE_OF_, 7) || matchesAt(i - 4, S_USE_, 4))
    ? FOUND_POLICY
    : 0;
}

// @ts-ignore: decorator
@inline function isSpace(i: i32): bool {
  return (cls(ch(i)) & CC_SPACE) != 0;
}

function endWithoutCitations(first: i32, end: i32): i32 {
  for (;;) {
    if (end - first < 2 || ch(end - 1) != 0x5d) return end;
    let k = end - 2;
    while (k >= first && ch(k) >= 48 && ch(k) <= 57) k--;
    if (k >= first && ch(k) == 0x5b) end = k;
    else if (end - first >= 6 && equalsAt(end - 6, S_EDIT, 6)) end -= 6;
    else if (end - first >= 17 && equalsAt(end - 17, S_CITATION, 17)) end -= 17;
    else return end;
  }
  return end; // not reached
}

function endLine(start: i32, end: i32, tokens: i32, maxToken: i32, boundaries: i32, lastBoundary: i32, js: i32, policy: i32): void {
  sLines++;
  let first = start;
  while (first < end && isSpace(first)) first++;
  if (first == end) return; // an empty line: no C4 sentence, no bullet, no ellipsis
  let last = end - 1;
  while (isSpace(last)) last--;
  const c0 = ch(first);
  if (c0 == 0x2022 || c0 == 0x2d) sBulletLines++;
  const cl = ch(last);
  if (cl == 0x2026 || (cl == 0x2e && last - 2 >= first && ch(last - 1) == 0x2e && ch(last - 2) == 0x2e)) sEllipsisLines++;
  if (!doC4) return;
  if (maxToken > c4MaxWordLength) return;
  if (c4DropNoPunct) {
    const e = c4Citations ? endWithoutCitations(first, last + 1) : last + 1;
    const ce = e > first ? ch(e - 1) : 0;
    const endMark = ce == 0x2e || ce == 0x3f || ce == 0x21 || ce == 0x22 || ce == 0x27;
    const ellipsis = ce == 0x2e && e - 3 >= first && ch(e - 2) == 0x2e && ch(e - 3) == 0x2e;
    if (!endMark || ellipsis) return;
  }
  if (tokens < c4MinWords) return;
  if (c4DropJs && js != 0) return;
  if (c4DropPolicy && policy != 0) return;
  sC4Sentences += boundaries - (lastBoundary > last ? 1 : 0) + 1;
}

/** Adds the span text[start, start + len) to the set at `set` (generation `gen`); true when an equal span was there. */
function spanAdd(set: usize, gen: i32, hash: i32, start: i32, len: i32): bool {
  let s = <i32>(<u32>(hash * GOLD) >>> (<u32>setShift));
  for (;;) {
    const r = set + ((<usize>s) << 4);
    if (load<i32>(r) != gen) {
      store<i32>(r, gen);
      store<i32>(r, hash, 4);
      store<i32>(r, start, 8);
      store<i32>(r, len, 12);
      return false;
    }
    if (load<i32>(r, 4) == hash && load<i32>(r, 12) == len) {
      const a = load<i32>(r, 8);
      if (a == start || memory.compare(tp + ((<usize>a) << 1), tp + ((<usize>start) << 1), (<usize>len) << 1) == 0) return true;
    }
    s = (s + 1) & setMask;
  }
  return false; // not reached
}

function endSegment(start: i32, end: i32, firstToken: i32, tokens: i32): void {
  const len = end - start;
  sFwLines++;
  if (len <= shortMax) sFwShortLines++;
  if (len == 0) {
    if (doParas && start > stripStart && start < stripEnd) endParagraph();
    return;
  }
  const cl = ch(end - 1);
  if (cl == 0x2e || cl == 0x27 || cl == 0x22 || cl == 0x21 || cl == 0x3f) sFwPunctLines++;
  sGLines++;
  if (!doLines && !doParas) return;
  let h = FNV_OFFSET;
  const hashes = wordHashesAt;
  for (let t = firstToken; t < tokens; t++) h = (h ^ geti(hashes, t)) * FNV_PRIME;
  if (doLines && spanAdd(lineSetAt, lineGen, combineHash(h, len), start, len)) {
    sGDupLines++;
    sGDupLineChars += len;
    let k = start;
    while (k < end && isSpace(k)) k++;
    if (k < end) sFwDupChars += len;
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
  sParagraphs++;
  if (spanAdd(paraSetAt, paraGen, combineHash(paraHash, len), paraStart, len)) {
    sDupParagraphs++;
    sDupParagraphChars += len;
  }
  paraStart = -1;
}

function nextGen(gen: i32, set: usize): i32 {
  let g = gen + 1;
  if (g == 0) {
    memory.fill(set, 0, lineSetBytes);
    g = 1;
  }
  return g;
}

function countStopWords(tokens: i32, enough: i32): i32 {
  const hashes = wordHashesAt;
  const cum = cumAt;
  const starts = wordStartsAt;
  const slots = stopSlotsAt;
  const shift = <u32>stopShift;
  const mask = stopMask;
  const stopHashes = stopHashesAt;
  const offsets = stopOffsetsAt;
  const chars = stopCharsAt;
  let seen = 0;
  let count = 0;
  for (let t = 0; t < tokens && count < enough; t++) {
    const h = geti(hashes, t);
    let s = <i32>(<u32>(h * GOLD) >>> shift);
    for (let e = geti(slots, s); e != 0; e = geti(slots, s)) {
      if (geti(stopHashes, e - 1) == h && ((seen >>> (e - 1)) & 1) == 0) {
        const from = geti(offsets, e - 1);
        const wl = geti(offsets, e) - from;
        if (wl == geti(cum, t + 1) - geti(cum, t) && equalsAt(geti(starts, t), chars + ((<usize>from) << 1), wl)) {
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
 * The rules' tokens of the current document (maximal runs of non-space code units), as records of four i32 at `out`:
 * start, end, FNV-1a hash of the raw code units, OR of the code units' classes | CC_LINE_BREAK when the whitespace
 * before the token holds a line break. Returns the count; sets sNewlines (the text's '\n'). The featurizer's scan kernel (lib/features/kernel) writes the
 * same records in its own pass over the text; scanTokens walks them. Reads the sentinel space after the text.
 */
function tokenize(out: usize): i32 {
  const T = classAt;
  const text = tp;
  let count = 0;
  let gap = 0;
  let newlines = 0;
  let r = out;
  let i = 0;
  while (i < n) {
    let c = <i32>load<u16>(text + ((<usize>i) << 1));
    let k = <i32>load<u16>(T + ((<usize>c) << 1));
    while ((k & CC_SPACE) != 0) {
      gap |= k;
      newlines += <i32>(c == 10);
      if (++i == n) {
        sNewlines = newlines;
        return count;
      }
      c = <i32>load<u16>(text + ((<usize>i) << 1));
      k = <i32>load<u16>(T + ((<usize>c) << 1));
    }
    const start = i;
    let h = FNV_OFFSET;
    let classes = gap & CC_LINE_BREAK;
    do {
      h = (h ^ c) * FNV_PRIME;
      classes |= k;
      i++; // the space after the text (see evaluateBatch) ends its last token
      c = <i32>load<u16>(text + ((<usize>i) << 1));
      k = <i32>load<u16>(T + ((<usize>c) << 1));
    } while ((k & CC_SPACE) == 0);
    store<i32>(r, start);
    store<i32>(r, i, 4);
    store<i32>(r, h, 8);
    store<i32>(r, classes, 12);
    r += 16;
    count++;
    gap = 0;
  }
  sNewlines = newlines;
  return count;
}

/** The inverse of FNV_PRIME modulo 2^32: h = (b ^ c) * FNV_PRIME gives b = (h * FNV_PRIME_INVERSE) ^ c. */
const FNV_PRIME_INVERSE: i32 = <i32>0x359c449b;

/**
 * scan.ts scanDocument: every statistic but the n-gram ones, from the document's `count` token records at `recs` (see
 * tokenize) and its code units (the whitespace between tokens is read only where a record says it holds a line break).
 */
function scanTokens(recs: usize, count: i32): void {
  const len0 = n;
  const mask = ruleMask;
  top2 = top3 = top4 = NaN;
  dup5 = dup6 = dup7 = dup8 = dup9 = dup10 = 0;
  sLines = sBulletLines = sEllipsisLines = sC4Sentences = 0;
  sFwLines = sFwPunctLines = sFwShortLines = sFwDupChars = 0;
  sGLines = sGDupLines = sGDupLineChars = 0;
  sParagraphs = sDupParagraphs = sDupParagraphChars = 0;
  sStopWords = 0;

  doLines = (mask & BITS_LINES) != 0;
  doParas = (mask & BITS_PARAS) != 0;
  doC4 = (mask & BIT_C4) != 0;
  if (doLines || doParas) {
    const cap = capacityFor(sNewlines + 1);
    setMask = <i32>cap - 1;
    setShift = 32 - <i32>ctz(cap);
    if (doLines) lineGen = nextGen(lineGen, lineSetAt);
    if (doParas) paraGen = nextGen(paraGen, paraSetAt);
  }
  const phrases = (mask & BIT_LOREM) != 0 || (doC4 && c4DropPolicy);
  const jMask = doC4 && c4DropJs ? CC_J : 0;

  let first = 0;
  let last = len0;
  if (count > 0) {
    first = load<i32>(recs);
    last = load<i32>(recs + ((<usize>(count - 1)) << 4), 4);
  } else {
    first = len0;
    last = len0;
  }
  stripStart = first;
  stripEnd = last;
  paraStart = -1;

  const T = classAt;
  const text = tp;
  const hashesOut = wordHashesAt;
  const startsOut = wordStartsAt;
  const cumOut = cumAt;
  store<i32>(cumOut, 0);
  edgeWords = 0;
  edgeWordChars = 0;
  edgeAlpha = 0;
  let tokens = 0;
  let words = 0;
  let wordChars = 0;
  let alpha = 0;
  let lorem = 0;
  let lineStart = 0;
  let lineTokens = 0;
  let lineMaxToken = 0;
  let boundaries = 0;
  let lastBoundary = -1;
  let js = 0;
  let policy = 0;
  let segStart = 0;
  let segToken = 0;
  // '#', '...' (floor(run / 3) per run of dots), '…' and '{': counted in the tokens that hold one (CC_RARE).
  let hashes = 0;
  let ellipses = 0;
  let curly = 0;

  let prevEnd = 0;
  for (let t = 0; t <= count; t++) {
    const r = recs + ((<usize>t) << 4);
    let start = len0;
    let classes = CC_LINE_BREAK;
    if (t < count) {
      start = load<i32>(r);
      classes = load<i32>(r, 12);
    }
    if ((classes & CC_LINE_BREAK) != 0) {
      // The whitespace before the token (after the last one: the text's end) holds a line break.
      for (let i = prevEnd; i < start; i++) {
        const c = <i32>load<u16>(text + ((<usize>i) << 1));
        if ((<i32>load<u16>(T + ((<usize>c) << 1)) & CC_LINE_BREAK) == 0) continue;
        if (c == 10) {
          endSegment(segStart, i, segToken, tokens);
          segStart = i + 1;
          segToken = tokens;
        }
        if (c != 10 || i == 0 || chAt(text, i - 1) != 13) {
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
    }
    if (t == count) break;
    const i = load<i32>(r, 4);
    const h = load<i32>(r, 8);
    prevEnd = i;
    if (phrases && phraseMayStart(select<usize>(text + ((<usize>start) << 1), NO_PHRASE, (classes & CC_PHRASE_START) != 0))) {
      const found = phrasesEndingAt(start, chAt(text, start));
      if (found == FOUND_LOREM) lorem = 1;
      else if (found == FOUND_POLICY) policy = 1;
    }
    const len = i - start;
    if ((classes & CC_RARE) != 0) {
      let dots = 0;
      for (let j = start; j < i; j++) {
        const cj = <i32>load<u16>(text + ((<usize>j) << 1));
        if (cj == 0x2e) {
          dots++;
          continue;
        }
        if (dots != 0) {
          ellipses += dots / 3;
          dots = 0;
        }
        hashes += <i32>(cj == 35);
        ellipses += <i32>(cj == 0x2026);
        curly |= <i32>(cj == 0x7b);
      }
      ellipses += dots / 3;
    }
    if ((classes & CC_PUNCT) == 0 || ((clsAt(T, chAt(text, start)) & CC_PUNCT) == 0 && (clsAt(T, chAt(text, i - 1)) & CC_PUNCT) == 0)) {
      seti(hashesOut, tokens, h);
      seti(startsOut, tokens, start);
      seti(cumOut, tokens + 1, geti(cumOut, tokens) + len);
      tokens++;
      words++;
      wordChars += len;
      if ((classes & CC_ALPHA) != 0) alpha++;
    } else {
      const k = clsAt(T, chAt(text, start));
      if ((k & CC_PUNCT) == 0 && (clsAt(T, chAt(text, i - 2)) & CC_PUNCT) == 0) {
        const lastChar = chAt(text, i - 1);
        const c0 = geti(cumOut, tokens);
        seti(hashesOut, tokens, (h * FNV_PRIME_INVERSE) ^ lastChar);
        seti(startsOut, tokens, start);
        seti(cumOut, tokens + 1, c0 + len - 1);
        tokens++;
        seti(hashesOut, tokens, (FNV_OFFSET ^ lastChar) * FNV_PRIME);
        seti(startsOut, tokens, i - 1);
        seti(cumOut, tokens + 1, c0 + len);
        tokens++;
        words++;
        wordChars += len - 1;
        if ((classes & CC_ALPHA) != 0) alpha++;
      } else tokens = pushTokenWithPunct(start, i, h, classes, tokens);
      if (doC4 && (classes & CC_SENTENCE_END) != 0 && i < len0) {
        let e = i - 1;
        while (e > start && (clsAt(T, chAt(text, e)) & CC_CLOSER) != 0 && (clsAt(T, chAt(text, e)) & CC_SENTENCE_END) == 0) e--;
        if ((clsAt(T, chAt(text, e)) & CC_SENTENCE_END) != 0) {
          boundaries++;
          lastBoundary = i;
        }
      }
    }
    if ((classes & jMask) != 0 && tokenHasJavascript(start, i)) js = 1;
    lineTokens++;
    if (len > lineMaxToken) lineMaxToken = len;
  }
  if (lineStart < len0) endLine(lineStart, len0, lineTokens, lineMaxToken, boundaries, lastBoundary, js, policy);
  endSegment(segStart, len0, segToken, tokens);
  if (doParas) {
    endParagraph();
    if (first >= last) sParagraphs = 1;
  }
  if (len0 == 0) sGLines = 1;
  else {
    const edges = (chAt(text, 0) == 10 ? 1 : 0) + (chAt(text, len0 - 1) == 10 ? 1 : 0);
    sGLines += edges;
    if (edges == 2) sGDupLines++;
  }
  sHashes = hashes;
  sEllipses = ellipses;
  sCurly = curly;
  sTokens = tokens;
  sWords = words + edgeWords;
  sWordChars = wordChars + edgeWordChars;
  sAlpha = alpha + edgeAlpha;
  sLorem = lorem;
  if ((mask & BIT_STOP) != 0) sStopWords = countStopWords(tokens, stopEnough);
}

// The n-gram table (countNgrams): an entry is two i32, the key and the count (0: an empty entry; bit 30: seen by the
// duplicate scan). The slots a pass uses are zeroed before it, at least four per n-gram: the probe then mostly ends at
// its first slot, where at two per n-gram a new n-gram often collided; and eight bytes an entry keep a long document's
// table in the cache as well as the reference's sixteen did at half the slots.
const NG_SEEN: i32 = 1 << 30;

/**
 * Counts `key` in the table at t (slots: cap = mask + 1, from the key's high bits: shift = 32 - log2(cap)); writes the
 * key's slot to slots[pos] and returns its count. The key and count are stored whether the n-gram is new or not: the
 * only branch is the probe's, which a table at most a quarter full seldom takes.
 */
// @ts-ignore: decorator
@inline function countKey(t: usize, shift: u32, mask: i32, key: i32, slots: usize, pos: i32): i32 {
  let s = <i32>(<u32>(key * GOLD) >>> shift);
  let r = t + ((<usize>s) << 3);
  // One load of the entry; the loop's test has no branch on whether the slot is empty, only on a collision.
  let e = load<u64>(r);
  while (((<i32>(e != 0)) & <i32>(<i32>e != key)) != 0) {
    s = (s + 1) & mask;
    r = t + ((<usize>s) << 3);
    e = load<u64>(r);
  }
  const count = <i32>(e >>> 32) + 1;
  store<i32>(r, key);
  store<i32>(r, count, 4);
  seti(slots, pos, s);
  return count;
}

// @ts-ignore: decorator
@inline function ngramKey(cum: usize, hash: i32, pos: i32, order: i32): i32 {
  return hash ^ ((geti(cum, pos + order) - geti(cum, pos)) * GOLD);
}

// @ts-ignore: decorator
@inline function bigramHash(wordHashes: usize, pos: i32): i32 {
  return geti(wordHashes, pos) * FNV_PRIME ^ geti(wordHashes, pos + 1);
}

/**
 * ngrams.ts countNgrams over the scan's tokens. The reference keeps each n-gram's first position in its table to break
 * ties for the top n-gram; here the walk that collects the next order's candidates (positions in increasing order, each
 * n-gram's final count) keeps the highest count and the first position that reached it (by select: a higher count is
 * taken, an equal one is not): among the n-grams with the highest count, the one that occurs first, as in the
 * reference, so the same value. The insertions keep no maximum (one value less live in their loop).
 */
function countNgrams(): void {
  const words = sTokens;
  if (maxOrder < 2 || words < 2) return;
  const wordHashes = wordHashesAt;
  const cum = cumAt;
  const hashes = ngHashesAt;
  const slots = slotOfAt;
  let cand = candAAt;
  let next = candBAt;
  let nCand = words - 1;
  for (let order = 2; order <= maxOrder; order++) {
    const limit = words - order;
    if (limit < 0) return;
    if (order > 2) while (nCand > 0 && geti(cand, nCand - 1) > limit) nCand--;
    if (nCand == 0) {
      for (let o = order; o <= maxOrder && o <= 4 && o <= words; o++) setTop(o, <f64>(geti(cum, o) + o - 1));
      return;
    }
    let cap: usize = 16;
    while (cap < <usize>nCand * 4) cap <<= 1;
    const t = ngTableAt;
    memory.fill(t, 0, cap << 3);
    const shift = <u32>(32 - <i32>ctz(cap));
    const mask = <i32>cap - 1;
    let best = 1;
    let nNext = 0;
    let bestPos = 0;
    if (order == 2) {
      // Every position; the 2-gram hashes are not kept (order 3 computes those of its few candidates again).
      // The previous position's second word hash and cumulative length are this one's first: one load of each.
      let h0 = geti(wordHashes, 0);
      let c0 = geti(cum, 0);
      let c1 = geti(cum, 1);
      for (let pos = 0; pos < nCand; pos++) {
        const h1 = geti(wordHashes, pos + 1);
        const c2 = geti(cum, pos + 2);
        countKey(t, shift, mask, (h0 * FNV_PRIME ^ h1) ^ ((c2 - c0) * GOLD), slots, pos);
        h0 = h1;
        c0 = c1;
        c1 = c2;
      }
      for (let pos = 0; pos < nCand; pos++) {
        const count = load<i32>(t + ((<usize>geti(slots, pos)) << 3), 4);
        seti(next, nNext, pos);
        nNext += (1 - count) >>> 31; // kept when the count is 2 or more
        const better = count > best;
        bestPos = select<i32>(pos, bestPos, better);
        best = select<i32>(count, best, better);
      }
    } else {
      const lastWord = order - 1;
      for (let j = 0; j < nCand; j++) {
        const pos = geti(cand, j);
        const prefix = order == 3 ? bigramHash(wordHashes, pos) : geti(hashes, pos);
        const hash = prefix * FNV_PRIME ^ geti(wordHashes, pos + lastWord);
        seti(hashes, pos, hash);
        countKey(t, shift, mask, ngramKey(cum, hash, pos, order), slots, pos);
      }
      for (let j = 0; j < nCand; j++) {
        const pos = geti(cand, j);
        const count = load<i32>(t + ((<usize>geti(slots, pos)) << 3), 4);
        seti(next, nNext, pos);
        nNext += (1 - count) >>> 31;
        const better = count > best;
        bestPos = select<i32>(pos, bestPos, better);
        best = select<i32>(count, best, better);
      }
    }
    if (order <= 4) {
      setTop(order, <f64>(geti(cum, bestPos + order) - geti(cum, bestPos) + order - 1) * <f64>best);
    } else {
      let skipUntil = 0;
      let chars = 0;
      for (let j = 0; j < nNext; j++) {
        const pos = geti(next, j);
        if (pos < skipUntil) continue;
        const r = t + ((<usize>geti(slots, pos)) << 3) + 4;
        const cnt = load<i32>(r);
        if ((cnt & NG_SEEN) != 0) {
          chars += geti(cum, pos + order) - geti(cum, pos);
          skipUntil = pos + order;
        } else store<i32>(r, cnt | NG_SEEN);
      }
      setDup(order, <f64>chars);
    }
    const swap = cand;
    cand = next;
    next = swap;
    nCand = nNext;
  }
}

function ratio(a: i32, b: i32): f64 {
  return b > 0 ? <f64>a / <f64>b : NaN;
}

function ratioF(a: f64, b: i32): f64 {
  return b > 0 ? a / <f64>b : NaN;
}

/** evaluate.ts computeValues + failedBits, for the rules of `bits`. */
function failedBits(bits: i32): i32 {
  const tokens = sTokens;
  const len = n;
  let f = 0;
  const v0 = <f64>sWords;
  if (v0 < param(P_WC_MIN) || v0 > param(P_WC_MAX)) f |= 1 << 0;
  const v1 = ratio(sWordChars, sWords);
  if (v1 < param(P_MWL_MIN) || v1 > param(P_MWL_MAX)) f |= 1 << 1;
  const v2 = tokens > 0 ? Math.max(<f64>sHashes / <f64>tokens, <f64>sEllipses / <f64>tokens) : NaN;
  if (v2 > param(P_SYMBOL)) f |= 1 << 2;
  if (ratio(sBulletLines, sLines) > param(P_BULLET)) f |= 1 << 3;
  if (ratio(sEllipsisLines, sLines) > param(P_ELLIPSIS)) f |= 1 << 4;
  if (ratio(sAlpha, tokens) < param(P_ALPHA)) f |= 1 << 5;
  if (<f64>sStopWords < param(P_STOP)) f |= 1 << 6;
  if (ratio(sGDupLines, sGLines) > param(P_DUP_LINE)) f |= 1 << 7;
  if (ratio(sDupParagraphs, sParagraphs) > param(P_DUP_PARA)) f |= 1 << 8;
  if (ratio(sGDupLineChars, len) > param(P_DUP_LINE_CHAR)) f |= 1 << 9;
  if (ratio(sDupParagraphChars, len) > param(P_DUP_PARA_CHAR)) f |= 1 << 10;
  if ((bits & NGRAM_BITS) != 0) {
    if (ratioF(top2, len) > param(P_TOP + 2)) f |= 1 << 11;
    if (ratioF(top3, len) > param(P_TOP + 3)) f |= 1 << 12;
    if (ratioF(top4, len) > param(P_TOP + 4)) f |= 1 << 13;
    if (ratioF(dup5, len) > param(P_DUP_NGRAM + 5)) f |= 1 << 14;
    if (ratioF(dup6, len) > param(P_DUP_NGRAM + 6)) f |= 1 << 15;
    if (ratioF(dup7, len) > param(P_DUP_NGRAM + 7)) f |= 1 << 16;
    if (ratioF(dup8, len) > param(P_DUP_NGRAM + 8)) f |= 1 << 17;
    if (ratioF(dup9, len) > param(P_DUP_NGRAM + 9)) f |= 1 << 18;
    if (ratioF(dup10, len) > param(P_DUP_NGRAM + 10)) f |= 1 << 19;
  }
  if (sLorem > 0) f |= 1 << 20;
  if (sCurly > 0) f |= 1 << 21;
  if (<f64>sC4Sentences < param(P_C4_MIN)) f |= 1 << 22;
  const v23 = ratio(sFwPunctLines, sFwLines);
  if (v23 <= param(P_PUNCT_MIN) && !(v23 == 0 && param(P_PUNCT_EXCLUDE_ZERO) != 0)) f |= 1 << 23;
  if (ratio(sFwShortLines, sFwLines) >= param(P_SHORT)) f |= 1 << 24;
  if (ratio(sFwDupChars, len - sNewlines) >= param(P_FW_DUP)) f |= 1 << 25;
  if (ratio(sNewlines, tokens) > param(P_LIST)) f |= 1 << 26;
  return f & bits;
}

/**
 * evaluate.ts evaluateRules on the document of `len` code units at `at`, from its `count` token records at `recs` and
 * its `newlines` ('\n'); with `count` -1, tokenize writes the records there first (and counts the newlines).
 */
function evaluate(at: usize, len: i32, recs: usize, count: i32, newlines: i32): i32 {
  const mask = ruleMask;
  if (mask == 0) return 0;
  tp = at;
  n = len;
  if (count < 0) count = tokenize(recs);
  else sNewlines = newlines;
  scanTokens(recs, count);
  if ((mask & NGRAM_BITS) != 0) {
    if (!exhaustive) {
      const failed = failedBits(mask & ~NGRAM_BITS);
      if (failed != 0) return failed;
    }
    countNgrams();
  }
  return failedBits(mask);
}

/**
 * Evaluates texts [0, count): text d's code units are at text + 2 * starts[d] .. text + 2 * (starts[d + 1] - 1), each
 * followed by one space (0x20: a sentinel, so the token loop needs no end test); writes its bitmask to out[d] (u32).
 * The scratch must hold the longest document.
 */
export function evaluateBatch(count: i32, text: usize, starts: usize, out: usize): void {
  for (let d = 0; d < count; d++) {
    const from = geti(starts, d);
    const to = geti(starts, d + 1) - 1;
    seti(out, d, evaluate(text + ((<usize>from) << 1), to - from, recordsAt, -1, 0));
  }
}

/**
 * Evaluates texts [0, count) from their token records (the featurizer's scan kernel writes them, as tokenize does):
 * text d's code units are at text + 2 * starts[d] .. text + 2 * starts[d + 1] (no sentinel), its records are
 * records[offsets[d], offsets[d + 1]) (four i32 each), its '\n' newlines[d]. Writes its bitmask to out[d]; a text of
 * more than `limit` code units is left out (0: the caller evaluates it). The scratch must hold the longest document of
 * at most `limit`.
 */
export function evaluateTokensBatch(count: i32, text: usize, starts: usize, records: usize, offsets: usize, newlines: usize, limit: i32, out: usize): void {
  for (let d = 0; d < count; d++) {
    const from = geti(starts, d);
    const to = geti(starts, d + 1);
    const r = geti(offsets, d);
    seti(out, d, to - from > limit ? 0 : evaluate(text + ((<usize>from) << 1), to - from, records + ((<usize>r) << 4), geti(offsets, d + 1) - r, geti(newlines, d)));
  }
}

/** The token records of the document of `len` code units at `at` (followed by a space) at `out`; returns their count. */
export function tokenizeOne(at: usize, len: i32, out: usize): i32 {
  tp = at;
  n = len;
  return tokenize(out);
}
