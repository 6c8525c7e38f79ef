// AssemblyScript source of the featurizer's scan kernel (compiled to WebAssembly by `npm run build:kernel`, embedded in
// scan-kernel.wasm.ts). It is the featurizer's definition of a text's base hashes and counters: lib/features/featurizer.ts
// lays out the memory, copies the texts in as UTF-16 code units and turns the counters into the dense statistics.
// pack uses 128-bit SIMD (compiled with the simd feature; Node.js has run WebAssembly SIMD by default since 16.4).
//
// Memory (byte addresses, set by `setup`): the tables (character kinds, lowercase map, ASCII pair flags, stopword
// slots, length bins), the document type set and line set (keys, values, generation stamps), the per-kind counts, and
// then per call the batch's texts, text starts, and the outputs: hashes and counts (appended per document), offsets,
// and COUNTERS i32 counters per document (the order below; featurizer.ts reads them by the same indices).
//
// Semantics mirror the TypeScript scan this replaced, bit for bit (tests pin its digests): tokens are maximal runs of
// word characters, lowercased, hashed with FNV-1a + fmix32; the first maxWords words give unigram hashes (repeats add
// to the count of the first occurrence) and bigram hashes; lines are hashed with FNV-1a over their raw code units.

// Character classes (char-classes.ts).
const CLASS_LOWER: i32 = 1;
const CLASS_UPPER: i32 = 2;
const CLASS_DIGIT: i32 = 4;
const CLASS_SPACE: i32 = 8;
const CLASS_PUNCT: i32 = 16;
const WORD_CLASSES: i32 = 1 | 2 | 4 | 32;
const KIND_NON_ASCII: i32 = 64;
const KIND_WORD_SEPARATOR: i32 = 128;
const KIND_CLASS_MASK: i32 = 63;

// Hashing (hashing.ts).
const FNV_OFFSET: i32 = <i32>0x811c9dc5;
const FNV_PRIME: i32 = 0x01000193;
const TEXT_HASH_SEED: i32 = 0x3c6ef372;
const TEXT_HASH_MUL: i32 = <i32>0x9e3779b1;
const SET_MUL: i32 = <i32>0x9e3779b1;
const REMIX_MUL1: i32 = <i32>0x9e3779b1;
const REMIX_MUL2: i32 = <i32>0x85ebca6b;

/** Counters per document, in this order (featurizer.ts COUNTER). */
const C_LEN = 0;
const C_WORDS = 1;
const C_WORD_CHARS = 2;
const C_LONGEST = 3;
const C_USED = 4;
const C_DISTINCT = 5;
const C_STOPS = 6;
const C_LINES = 7;
const C_REPEATED = 8;
const C_CAPITALIZED = 9;
const C_LENGTHS = 10; // 6 bins
const C_STOP_PAIRS = 16;
const C_SENTENCE_STARTS = 17;
const C_SPACE_WORDS = 18;
const C_LETTERS = 19;
const C_UPPER = 20;
const C_DIGITS = 21;
const C_PUNCT = 22;
const C_SPACES = 23;
const C_NON_ASCII = 24;
const C_CASE_SWITCHES = 25;
const C_LETTER_DIGIT = 26;
const C_RARE_PAIRS = 27;
const C_VOWELS = 28;
const C_LONG_WORD_CHARS = 29;
const C_SHORT_WORDS = 30;
const C_PUNCT_RUNS = 31;
const C_SPACE_RUNS = 32;
const C_NEWLINES = 33;
const C_TEXT_HASH_1 = 34;
const C_TEXT_HASH_2 = 35;
export const COUNTERS: i32 = 36;

// Table and set addresses (setup).
let kindAt: usize = 0; // u8 [65536]
let lowerAt: usize = 0; // u16 [lowerSize]
let lowerSize: i32 = 0;
let pairAt: usize = 0; // u8 [128 * 128]
let stopAt: usize = 0; // i32 [1 << (32 - stopShift)]
let stopShift: i32 = 0;
let lenBinAt: usize = 0; // i32 [13]
/** The document type set: typeMask + 1 slots of 16 bytes (generation stamp, key, value, unused), one cache line a probe. */
let typeSlotsAt: usize = 0;
let typeMask: i32 = 0;
let typeShift: i32 = 0;
let typeStamp: i32 = 0;
let lineKeysAt: usize = 0; // i32 [lineMask + 1]
let lineStampsAt: usize = 0;
let lineMask: i32 = 0;
let lineStamp: i32 = 0;
let kindCountsAt: usize = 0; // i32 [256]
let maxWords: i32 = 0;
let longWord: i32 = 0;
/** The rules' character classes (lib/rules/char-classes.ts KERNEL_CHAR_CLASS), u16 [65536]. */
let rulesClassAt: usize = 0;
/** Where the next rules token record goes (scanBatch's `tokens`). */
let tokensOutAt: usize = 0;
/** Where the next word's hash goes when the caller asked for every word's hash (scanBatch's `words`), else 0. */
let wordsOutAt: usize = 0;

/**
 * The document's word counts per length (capped at 12), i32 [16] (13 used): one add per word, not a branch chain
 * over the length bins; the bins and the short words are summed from them after the scan.
 */
const lengthCountsAt: usize = memory.data(64, 16);

/** The character kinds the kind table holds (and CLASS_LOWER), u8 [kindListSize]: the per-kind counts a scan can touch. */
const kindListAt: usize = memory.data(256);
let kindListSize: i32 = 0;

/** Where the caller may place its tables: the first address after the kernel's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Sets the tables' and sets' addresses and the configuration (the caller has filled the tables). */
export function setup(
  kind: usize, lower: usize, lowerLength: i32, pair: usize, stop: usize, stopShiftBits: i32, lenBin: usize,
  typeSlots: usize, typeCapacity: i32,
  lineKeys: usize, lineStamps: usize, lineCapacity: i32,
  kindCounts: usize, maxWordsPerDoc: i32, longWordLength: i32, rulesClass: usize,
): void {
  rulesClassAt = rulesClass;
  kindAt = kind;
  lowerAt = lower;
  lowerSize = lowerLength;
  pairAt = pair;
  stopAt = stop;
  stopShift = stopShiftBits;
  lenBinAt = lenBin;
  typeSlotsAt = typeSlots;
  typeMask = typeCapacity - 1;
  typeShift = 32 - <i32>ctz(typeCapacity);
  typeStamp = 0;
  lineKeysAt = lineKeys;
  lineStampsAt = lineStamps;
  lineMask = lineCapacity - 1;
  lineStamp = 0;
  kindCountsAt = kindCounts;
  maxWords = maxWordsPerDoc;
  longWord = longWordLength;
  // The scan's sentinel, code unit 0, must not be a word character.
  if ((kindOf(0) & WORD_CLASSES) != 0) unreachable();
  // The kinds present: a document's per-kind counts are read (and cleared) through this list, not all 256.
  memory.fill(kindCountsAt, 0, 256 << 2);
  const seen = kindCountsAt; // as flags, cleared again below
  store<i32>(seen + ((<usize>CLASS_LOWER) << 2), 1);
  for (let c = 0; c < 65536; c++) store<i32>(seen + ((<usize>kindOf(c)) << 2), 1);
  kindListSize = 0;
  for (let kind = 0; kind < 256; kind++) {
    if (load<i32>(seen + ((<usize>kind) << 2)) != 0) {
      store<u8>(kindListAt + <usize>kindListSize, <u8>kind);
      kindListSize++;
    }
  }
  memory.fill(kindCountsAt, 0, 256 << 2);
}

// @ts-ignore: decorator
@inline function fmix32(x: i32): i32 {
  let h = x;
  h ^= h >>> 16;
  h *= <i32>0x85ebca6b;
  h ^= h >>> 13;
  h *= <i32>0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

// @ts-ignore: decorator
@inline function kindOf(c: i32): i32 {
  return <i32>load<u8>(kindAt + <usize>c);
}

/**
 * Writes one rules token record at `out` (16 bytes: start, end, FNV hash of its raw code units, classes): its
 * characters' rules classes, a lowercase run's classes carried in `lowFlags` (bits 2 to 7), and a line break in the
 * whitespace before it.
 */
// @ts-ignore: decorator
@inline function storeToken(out: usize, start: i32, end: i32, hash: i32, classes: i32, lowFlags: i32, gapClasses: i32): void {
  store<i32>(out, start);
  store<i32>(out, end, 4);
  store<i32>(out, hash, 8);
  store<i32>(out, classes | (lowFlags & ~3) | (gapClasses & RULES_LINE_BREAK), 12);
}

/** A new generation of a stamped set: every slot reads as empty (`bytes`: the set's size, its stamps among them). */
function nextStamp(stamp: i32, stampsAt: usize, bytes: usize): i32 {
  let s = stamp + 1;
  if (s == -1) {
    memory.fill(stampsAt, 0, bytes);
    s = 1;
  }
  return s;
}

/**
 * Scans texts [0, n): text d's code units are at text + 2 * starts[d] .. text + 2 * starts[d + 1]. Appends each
 * document's hashes and counts from `pos` (element index), writes offsets[d + 1] (offsets[0] is the caller's) and
 * the document's COUNTERS counters at counters + 4 * COUNTERS * d. Returns the end position. When `words` is not 0,
 * the hash of every word of every document (fmix32 of its FNV-1a state, not capped at maxWords: MinHash's word
 * hashes) is written there in text order, C_WORDS of them per document.
 */
export function scanBatch(
  n: i32, text: usize, starts: usize, hashes: usize, counts: usize, offsets: usize, counters: usize, pos: i32, words: usize,
  tokens: usize, tokenOffsets: usize, tokenLimit: i32,
): i32 {
  wordsOutAt = words;
  tokensOutAt = tokens;
  for (let d = 0; d < n; d++) {
    const from = load<i32>(starts + ((<usize>d) << 2));
    const to = load<i32>(starts + ((<usize>(d + 1)) << 2));
    const at = text + ((<usize>from) << 1);
    const out = counters + ((<usize>(d * COUNTERS)) << 2);
    if (tokens != 0) {
      // A text longer than tokenLimit gets no records (the rules evaluate it without the kernel).
      if (to - from <= tokenLimit) pos = scanText<i32>(at, to - from, hashes, counts, pos, out);
      else pos = scanText<f64>(at, to - from, hashes, counts, pos, out);
      store<i32>(tokenOffsets + ((<usize>(d + 1)) << 2), <i32>((tokensOutAt - tokens) >>> 4));
    } else pos = scanText<f64>(at, to - from, hashes, counts, pos, out);
    store<i32>(offsets + ((<usize>(d + 1)) << 2), pos);
  }
  return pos;
}

// Rules token records (lib/rules/kernel/rules-kernel.as.ts tokenize: the same records). A token is a maximal run of
// code units that are not whitespace by the rules' classes (Python's str.isspace()); its record: start, end, FNV-1a
// hash of its raw code units, OR of their rules classes | RULES_LINE_BREAK when the whitespace before it holds a
// line break.
const RULES_SPACE: i32 = 1;
const RULES_LINE_BREAK: i32 = 8;

/**
 * Scans one text. R is i32 for a scan that also writes the rules' token records (at tokensOutAt), f64 for one that does
 * not (a compile-time choice: two copies of the loop, the second without the rules' steps).
 */
function scanText<R>(at: usize, len: i32, hashes: usize, hashCounts: usize, pos: i32, out: usize): i32 {
  // A sentinel after the text (code unit 0, not a word character: setup checks), so the loops over a word's code
  // units need no end test of their own; the code unit it replaces (the next text's first, or the next region's) is
  // put back at the end.
  const end = at + ((<usize>len) << 1);
  const saved = load<u16>(end);
  store<u16>(end, 0);
  typeStamp = nextStamp(typeStamp, typeSlotsAt, (<usize>(typeMask + 1)) << 4);
  lineStamp = nextStamp(lineStamp, lineStampsAt, (<usize>(lineMask + 1)) << 2);
  // The tables' addresses and the configuration in locals (globals are loads from the instance in the loop).
  const kindT = kindAt;
  const pairT = pairAt;
  const lowerT = lowerAt;
  const lowerN = lowerSize;
  const rulesT = rulesClassAt;
  const countsT = kindCountsAt;
  const slotsT = typeSlotsAt;
  const tMask = typeMask;
  const tShift = typeShift;
  const stopT = stopAt;
  const sShift = stopShift;
  const maxW = maxWords;
  const longW = longWord;
  let wordsOut = wordsOutAt;
  let lineSize: i32 = 0;
  const lineFullAt = (lineMask + 1) >> 1; // the line set is full at half its capacity
  const zero = i32x4.splat(0);
  v128.store(lengthCountsAt, zero);
  v128.store(lengthCountsAt, zero, 16);
  v128.store(lengthCountsAt, zero, 32);
  v128.store(lengthCountsAt, zero, 48);
  let words = 0;
  let longest = 0;
  const pos0 = pos;
  let stops = 0;
  let lineCount = 0;
  let repeated = 0;
  let lineHash = FNV_OFFSET;
  let lineHasText = false;
  let prev: i32 = 0;
  let capitalized = 0;
  let stopPairs = 0;
  let prevStop = 0;
  let sentenceEnd = true;
  let sentenceStarts = 0;
  let spaceWords = 0;
  let afterSeparator = true;
  let caseSwitches = 0;
  let letterDigit = 0;
  let rarePairs = 0;
  let vowels = 0;
  let longWordChars = 0;
  let punctRuns = 0;
  let spaceRuns = 0;
  let newlines = 0;
  let e1 = FNV_OFFSET;
  let e2 = TEXT_HASH_SEED;
  let prevOut = CLASS_SPACE;
  let asciiSpaces = 0;
  const tStamp = typeStamp;
  // The rules' token under way: it starts at tokStart; its FNV-1a hash over raw code units, the OR of the rules
  // classes of its code units outside lowercase runs (tokClasses) and of the pair flags of those in them (lowFlags:
  // the class bits of a lowercase letter ride in its flags' high bits); the rules classes of the whitespace before it.
  let tokStart = 0;
  let tokHash = FNV_OFFSET;
  let tokClasses = 0;
  let lowFlags = 0;
  let gapClasses = 0;
  // While the token under way began at this word's start and all its code units so far are lowercase ASCII letters,
  // its hash is the word's FNV state wh: tokSync is set and the token's own chain waits (tokHash is set from wh when
  // that stops: at a code unit outside a lowercase run, or at the word's end).
  let tokSync = false;
  let tokOut = tokensOutAt;
  let i = 0;
  while (i < len) {
    let c = <i32>load<u16>(at + ((<usize>i) << 1));
    let k = <i32>load<u8>(kindT + <usize>c);
    if (k & WORD_CLASSES) {
      if (afterSeparator) spaceWords++;
      afterSeparator = false;
      const firstUpper = (k & KIND_CLASS_MASK) == CLASS_UPPER;
      if (firstUpper && sentenceEnd) sentenceStarts++;
      sentenceEnd = false;
      lineHasText = true;
      const start = i;
      let wh = FNV_OFFSET;
      let prevCls = 0;
      let prevAscii = 0;
      if (words > 0) e1 = (e1 ^ 32) * FNV_PRIME;
      if (isInteger<R>()) tokSync = tokStart == i;
      while (true) {
        if (<u32>(c - 97) < 26) {
          if (prevCls != CLASS_LOWER) {
            if (prevCls == CLASS_DIGIT) letterDigit++;
            prevCls = CLASS_LOWER;
          }
          if (isInteger<R>() && !tokSync) {
            // The same loop with the token's own hash chain (two copies: a select would compute the chain anyway).
            while (true) {
              wh = (wh ^ c) * FNV_PRIME;
              e1 = (e1 ^ c) * FNV_PRIME;
              lineHash = (lineHash ^ c) * FNV_PRIME;
              tokHash = (tokHash ^ c) * FNV_PRIME;
              const flags = <i32>load<u8>(pairT + <usize>((prevAscii << 7) | c));
              rarePairs += flags & 1;
              vowels += flags & 2; // halved at the end
              lowFlags |= flags;
              prevAscii = c;
              ++i; // the code unit at len is the sentinel: not a letter
              c = <i32>load<u16>(at + ((<usize>i) << 1));
              if (<u32>(c - 97) >= 26) break;
            }
          } else {
            while (true) {
              wh = (wh ^ c) * FNV_PRIME;
              e1 = (e1 ^ c) * FNV_PRIME;
              lineHash = (lineHash ^ c) * FNV_PRIME;
              const flags = <i32>load<u8>(pairT + <usize>((prevAscii << 7) | c));
              rarePairs += flags & 1;
              vowels += flags & 2; // halved at the end
              if (isInteger<R>()) lowFlags |= flags;
              prevAscii = c;
              ++i; // the code unit at len is the sentinel: not a letter
              c = <i32>load<u16>(at + ((<usize>i) << 1));
              if (<u32>(c - 97) >= 26) break;
            }
          }
          if (i == len) break;
          k = <i32>load<u8>(kindT + <usize>c);
          if ((k & WORD_CLASSES) == 0) break;
          continue;
        }
        if (isInteger<R>()) {
          if (tokSync) {
            tokHash = wh;
            tokSync = false;
          }
        }
        const kc = countsT + ((<usize>k) << 2);
        store<i32>(kc, load<i32>(kc) + 1);
        const lc = c < lowerN ? <i32>load<u16>(lowerT + ((<usize>c) << 1)) : c;
        wh = (wh ^ lc) * FNV_PRIME;
        e1 = (e1 ^ lc) * FNV_PRIME;
        lineHash = (lineHash ^ c) * FNV_PRIME;
        if (isInteger<R>()) {
          const rk = <i32>load<u16>(rulesT + ((<usize>c) << 1));
          if ((rk & RULES_SPACE) != 0) {
            // Whitespace to the rules inside a word (U+1680): the rules' token ends here.
            if (i > tokStart) {
              storeToken(tokOut, tokStart, i, tokHash, tokClasses, lowFlags, gapClasses);
              tokOut += 16;
              gapClasses = 0;
            }
            tokStart = i + 1;
            tokHash = FNV_OFFSET;
            tokClasses = 0;
            lowFlags = 0;
            gapClasses |= rk;
          } else {
            tokHash = (tokHash ^ c) * FNV_PRIME;
            tokClasses |= rk;
          }
        }
        const cls = k & KIND_CLASS_MASK;
        if (cls != prevCls && prevCls != 0) {
          if (cls == CLASS_UPPER && prevCls == CLASS_LOWER) caseSwitches++;
          else if (cls == CLASS_DIGIT || prevCls == CLASS_DIGIT) letterDigit++;
        }
        prevCls = cls;
        const ascii = c < 128 ? c : 0;
        const flags = <i32>load<u8>(pairT + <usize>((prevAscii << 7) | ascii));
        rarePairs += flags & 1;
        vowels += flags & 2;
        prevAscii = ascii;
        ++i; // the code unit at len is the sentinel: not a word character
        c = <i32>load<u16>(at + ((<usize>i) << 1));
        k = <i32>load<u8>(kindT + <usize>c);
        if ((k & WORD_CLASSES) == 0) break;
      }
      if (isInteger<R>()) {
        if (tokSync) tokHash = wh;
        tokSync = false;
      }
      const wlen = i - start;
      if (wlen > longW) longWordChars += wlen - longW;
      prevOut = 0;
      words++;
      if (wlen > longest) longest = wlen;
      if (firstUpper) capitalized++;
      const capped: i32 = wlen < 12 ? wlen : 12;
      const ba = lengthCountsAt + ((<usize>capped) << 2);
      store<i32>(ba, load<i32>(ba) + 1);
      const h = fmix32(wh);
      if (wordsOut != 0) {
        store<i32>(wordsOut, h);
        wordsOut += 4;
      }
      const x = (e2 ^ h) * TEXT_HASH_MUL;
      e2 = (x << 15) | (x >>> 17);
      // words counts this word: the first maxWords words are used (C_USED = min(words, maxWords)), and C_WORD_CHARS
      // (letters + digits) and C_DISTINCT (the hashes appended but the bigrams) are derived after the loop.
      if (words <= maxW) {
        // The type set never fills: at most maxWords keys in at least 2 * maxWords slots.
        // The slot comes from the word's FNV state, not from h: the probe's load need not wait for fmix32 (the set
        // compares the keys h, so which slot a word starts at changes nothing it finds).
        let s = <i32>(<u32>(wh * SET_MUL) >>> tShift);
        let sa = slotsT + ((<usize>s) << 4);
        // Whether the slot is empty (a new word) or holds h (a repeat), in one well-predicted branch: a bitwise or,
        // not a branch on which (that one is taken about half the time, unpredictably). Probing on is rare.
        let fresh = <i32>(load<i32>(sa) != tStamp);
        while ((fresh | <i32>(load<i32>(sa, 4) == h)) == 0) {
          s = (s + 1) & tMask;
          sa = slotsT + ((<usize>s) << 4);
          fresh = <i32>(load<i32>(sa) != tStamp);
        }
        // A new word takes the next position (hash h, count 1); a repeat adds one to its first occurrence's count.
        // Both store the slot, the hash and the count: a repeat stores what the slot and the hash hold.
        // (Loads before the selects: a load under a condition stays a branch.)
        const first = select<i32>(pos, load<i32>(sa, 8), fresh != 0);
        store<i32>(sa, tStamp);
        store<i32>(sa, h, 4);
        store<i32>(sa, first, 8);
        const ca = hashCounts + ((<usize>first) << 2);
        store<i32>(hashes + ((<usize>first) << 2), h);
        store<i32>(ca, select<i32>(1, load<i32>(ca) + 1, fresh != 0));
        pos += fresh;
        if (words > 1) {
          store<i32>(hashes + ((<usize>pos) << 2), fmix32(prev * 0x2545f491 + h + 0x3c6ef372));
          store<i32>(hashCounts + ((<usize>pos) << 2), 1);
          pos++;
        }
        prev = h;
        const stop = load<i32>(stopT + ((<usize>(<u32>h >>> sShift)) << 2)) == h ? 1 : 0;
        stops += stop;
        stopPairs += stop & prevStop;
        prevStop = stop;
      }
      if (i == len) break;
    }
    // A character outside words (c, k: the character at i).
    if (c == 32) {
      if (isInteger<R>()) {
        if (i > tokStart) {
          storeToken(tokOut, tokStart, i, tokHash, tokClasses, lowFlags, gapClasses);
          tokOut += 16;
          gapClasses = 0;
        }
        tokStart = i + 1;
        tokHash = FNV_OFFSET;
        tokClasses = 0;
        lowFlags = 0;
      }
      asciiSpaces++;
      afterSeparator = true;
      if (prevOut != CLASS_SPACE) spaceRuns++;
      prevOut = CLASS_SPACE;
      lineHash = (lineHash ^ 32) * FNV_PRIME;
      i++;
      continue;
    }
    if (isInteger<R>()) {
      const rk = <i32>load<u16>(rulesT + ((<usize>c) << 1));
      if ((rk & RULES_SPACE) != 0) {
        if (i > tokStart) {
          storeToken(tokOut, tokStart, i, tokHash, tokClasses, lowFlags, gapClasses);
          tokOut += 16;
          gapClasses = 0;
        }
        tokStart = i + 1;
        tokHash = FNV_OFFSET;
        tokClasses = 0;
        lowFlags = 0;
        gapClasses |= rk;
      } else {
        tokHash = (tokHash ^ c) * FNV_PRIME;
        tokClasses |= rk;
      }
    }
    const kc = countsT + ((<usize>k) << 2);
    store<i32>(kc, load<i32>(kc) + 1);
    // Without branches (punctuation or whitespace, which, is hard to predict): a separator ends a whitespace word, a
    // punctuation character may end a sentence (. ! ? or a closing quote or parenthesis after one), and each starts a
    // run of its class.
    const sep = (k >> 7) & 1; // KIND_WORD_SEPARATOR
    spaceWords += <i32>afterSeparator & (sep ^ 1);
    afterSeparator = sep != 0;
    const cls = k & KIND_CLASS_MASK;
    const isPunct = <i32>(cls == CLASS_PUNCT);
    const ends = <i32>(c == 46) | <i32>(c == 33) | <i32>(c == 63);
    const closes = <i32>(c == 34) | <i32>(c == 39) | <i32>(c == 41);
    sentenceEnd = select<i32>(ends | (closes & <i32>sentenceEnd), <i32>sentenceEnd, isPunct != 0) != 0;
    punctRuns += isPunct & <i32>(prevOut != CLASS_PUNCT);
    spaceRuns += (isPunct ^ 1) & <i32>(prevOut != CLASS_SPACE);
    prevOut = cls;
    if (c == 10) {
      newlines++;
      if (lineHasText) {
        lineCount++;
        const r = lineAdd(fmix32(lineHash), lineSize, lineFullAt);
        if (r > 0) lineSize++;
        else if (lineSize < lineFullAt) repeated++; // not new, and the set is not full
      }
      lineHash = FNV_OFFSET;
      lineHasText = false;
    } else {
      lineHash = (lineHash ^ c) * FNV_PRIME;
      if (cls != CLASS_SPACE) lineHasText = true;
    }
    i++;
  }
  if (lineHasText) {
    lineCount++;
    const r = lineAdd(fmix32(lineHash), lineSize, lineFullAt);
    if (r > 0) lineSize++;
    else if (lineSize < lineFullAt) repeated++;
  }
  if (isInteger<R>()) {
    if (len > tokStart) {
      storeToken(tokOut, tokStart, len, tokHash, tokClasses, lowFlags, gapClasses);
      tokOut += 16;
    }
    tokensOutAt = tokOut;
  }
  vowels >>= 1;
  // Character classes from the per-kind counts.
  // Every code unit was counted once: in a lowercase run (not counted in the loop), as an ASCII space outside words
  // (asciiSpaces), or in the per-kind counts.
  let counted = 0;
  for (let j = 0; j < kindListSize; j++) counted += load<i32>(countsT + ((<usize>load<u8>(kindListAt + <usize>j)) << 2));
  const lowerRun = len - asciiSpaces - counted;
  const lowerKind = countsT + ((<usize>CLASS_LOWER) << 2);
  store<i32>(lowerKind, load<i32>(lowerKind) + lowerRun);
  const spaceKind = countsT + ((<usize><i32>load<u8>(kindT + <usize>32)) << 2);
  store<i32>(spaceKind, load<i32>(spaceKind) + asciiSpaces);
  let letters = 0;
  let upper = 0;
  let digits = 0;
  let punct = 0;
  let spaces = 0;
  let nonAscii = 0;
  // Only kinds in the list were counted; each count is cleared for the next document as it is read.
  for (let j = 0; j < kindListSize; j++) {
    const kind = <i32>load<u8>(kindListAt + <usize>j);
    const ka = countsT + ((<usize>kind) << 2);
    const cnt = load<i32>(ka);
    if (cnt == 0) continue;
    store<i32>(ka, 0);
    const cls = kind & KIND_CLASS_MASK;
    if (kind & KIND_NON_ASCII) nonAscii += cnt;
    if (cls & WORD_CLASSES) {
      if (cls != CLASS_DIGIT) letters += cnt;
      else digits += cnt;
      if (cls == CLASS_UPPER) upper += cnt;
    } else if (cls == CLASS_SPACE) spaces += cnt;
    else if (cls == CLASS_PUNCT) punct += cnt;
  }
  store<i32>(out + (C_LEN << 2), len);
  store<i32>(out + (C_WORDS << 2), words);
  store<i32>(out + (C_WORD_CHARS << 2), letters + digits); // every word character is a letter or a digit
  store<i32>(out + (C_LONGEST << 2), longest);
  const used = words < maxW ? words : maxW;
  store<i32>(out + (C_USED << 2), used);
  store<i32>(out + (C_DISTINCT << 2), pos - pos0 - (used > 0 ? used - 1 : 0)); // a bigram for each used word but the first
  store<i32>(out + (C_STOPS << 2), stops);
  store<i32>(out + (C_LINES << 2), lineCount);
  store<i32>(out + (C_REPEATED << 2), repeated);
  store<i32>(out + (C_CAPITALIZED << 2), capitalized);
  for (let b = 0; b < 6; b++) store<i32>(out + ((<usize>(C_LENGTHS + b)) << 2), 0);
  for (let l = 0; l <= 12; l++) {
    const ba = out + ((<usize>(C_LENGTHS + load<i32>(lenBinAt + ((<usize>l) << 2)))) << 2);
    store<i32>(ba, load<i32>(ba) + load<i32>(lengthCountsAt + ((<usize>l) << 2)));
  }
  // Words shorter than 3 (a word has at least one code unit).
  const shortWords = load<i32>(lengthCountsAt, 4) + load<i32>(lengthCountsAt, 8);
  store<i32>(out + (C_STOP_PAIRS << 2), stopPairs);
  store<i32>(out + (C_SENTENCE_STARTS << 2), sentenceStarts);
  store<i32>(out + (C_SPACE_WORDS << 2), spaceWords);
  store<i32>(out + (C_LETTERS << 2), letters);
  store<i32>(out + (C_UPPER << 2), upper);
  store<i32>(out + (C_DIGITS << 2), digits);
  store<i32>(out + (C_PUNCT << 2), punct);
  store<i32>(out + (C_SPACES << 2), spaces);
  store<i32>(out + (C_NON_ASCII << 2), nonAscii);
  store<i32>(out + (C_CASE_SWITCHES << 2), caseSwitches);
  store<i32>(out + (C_LETTER_DIGIT << 2), letterDigit);
  store<i32>(out + (C_RARE_PAIRS << 2), rarePairs);
  store<i32>(out + (C_VOWELS << 2), vowels);
  store<i32>(out + (C_LONG_WORD_CHARS << 2), longWordChars);
  store<i32>(out + (C_SHORT_WORDS << 2), shortWords);
  store<i32>(out + (C_PUNCT_RUNS << 2), punctRuns);
  store<i32>(out + (C_SPACE_RUNS << 2), spaceRuns);
  store<i32>(out + (C_NEWLINES << 2), newlines);
  store<i32>(out + (C_TEXT_HASH_1 << 2), fmix32(e1 ^ words));
  store<i32>(out + (C_TEXT_HASH_2 << 2), fmix32(e2 ^ (words * TEXT_HASH_MUL)));
  wordsOutAt = wordsOut;
  store<u16>(end, saved);
  return pos;
}

/**
 * Adds a line hash to the document's line set: 1 when it was new, 0 when it was present or the set is
 * full (`size` keys of a set that holds `fullAt`).
 */
function lineAdd(key: i32, size: i32, fullAt: i32): i32 {
  let s = key * SET_MUL;
  while (true) {
    s &= lineMask;
    const sa = (<usize>s) << 2;
    if (load<i32>(lineStampsAt + sa) != lineStamp) {
      if (size >= fullAt) return 0;
      store<i32>(lineStampsAt + sa, lineStamp);
      store<i32>(lineKeysAt + sa, key);
      return 1;
    }
    if (load<i32>(lineKeysAt + sa) == key) return 0;
    s += 1;
  }
}

/**
 * Member bucket ids of documents docs[0, n) of a scanned batch (remixBucket with each member's seed), in blocks of
 * `block` columns that each belong to one document: writes ids member-major [K, width] at `ids` (member m's column c
 * at m * width + c), the columns' counts as float32 at `countsOut`, and the documents' column offsets (n + 1) at
 * `offsetsOut`. A document's columns start at a multiple of `block`; the columns after its n-grams up to the next
 * multiple, and one whole block after the last document (offsets[n] is its start), are padding: id padId, count 0.
 * `seeds`: K i32 seeds; `width` = offsets[n] + block. Returns offsets[n].
 */
export function pack(
  n: i32, docs: usize, offsets: usize, hashes: usize, counts: usize,
  k: i32, seeds: usize, buckets: i32, shift: i32, width: i32, padId: i32, block: i32,
  ids: usize, countsOut: usize, offsetsOut: usize,
): i32 {
  const mul1V = i32x4.splat(REMIX_MUL1);
  const mul2V = i32x4.splat(REMIX_MUL2);
  let col = 0;
  for (let r = 0; r < n; r++) {
    const d = load<i32>(docs + ((<usize>r) << 2));
    const start = load<i32>(offsets + ((<usize>d) << 2));
    const end = load<i32>(offsets + ((<usize>(d + 1)) << 2));
    const used = end - start;
    const next = col + (used + block - 1) / block * block;
    store<i32>(offsetsOut + ((<usize>r) << 2), col);
    // Four hashes at a time (SIMD). The last group may read up to three hashes and counts past the document (the next
    // document's, or the regions scan() reserved after them) and write past its n-grams; the padding overwrites those.
    const groups = (used + 3) >> 2;
    for (let m = 0; m < k; m++) {
      const seed = load<i32>(seeds + ((<usize>m) << 2));
      const seedV = i32x4.splat(seed);
      const baseV = i32x4.splat(m * buckets);
      const o0 = ids + ((<usize>(m * width + col)) << 2);
      let o = o0;
      let h = hashes + ((<usize>start) << 2);
      for (let g = 0; g < groups; g++) {
        let x = i32x4.mul(v128.xor(v128.load(h), seedV), mul1V);
        x = v128.xor(x, i32x4.shr_u(x, 16));
        x = i32x4.mul(x, mul2V);
        v128.store(o, i32x4.add(baseV, i32x4.shr_u(x, shift)));
        o += 16;
        h += 16;
      }
      for (let c = used; c < next - col; c++) store<i32>(o0 + ((<usize>c) << 2), padId);
    }
    const c0 = countsOut + ((<usize>col) << 2);
    let q = counts + ((<usize>start) << 2);
    for (let g = 0; g < groups; g++) {
      v128.store(c0 + ((<usize>g) << 4), f32x4.convert_i32x4_s(v128.load(q)));
      q += 16;
    }
    for (let c = used; c < next - col; c++) store<f32>(c0 + ((<usize>c) << 2), 0);
    col = next;
  }
  store<i32>(offsetsOut + ((<usize>n) << 2), col);
  for (let c = col; c < col + block; c++) store<f32>(countsOut + ((<usize>c) << 2), 0);
  for (let m = 0; m < k; m++) {
    for (let c = col; c < col + block; c++) store<i32>(ids + ((<usize>(m * width + c)) << 2), padId);
  }
  return col;
}
