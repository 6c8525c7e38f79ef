/**
 * Cheap per-document statistics that predict how many tokens a BPE tokenizer makes of a text: one pass over the UTF-16
 * code units with one table lookup each. Fit (on the labelled sample) and score (on every document) call this one
 * function, so the token-count model sees the same statistics in both.
 *
 * Why these: a byte-level BPE trained on prose merges common letter sequences into long tokens (prose: about 0.28
 * tokens per byte), but splits digits, punctuation runs, case switches inside a word (base64, camelCase), letter/digit
 * switches (hex) and non-ASCII text into short ones (0.75-0.92 tokens per byte). Counts of each of those, with the
 * bytes, words and lines, let a non-negative linear model price each kind of text separately.
 */
import { CHAR_KIND, CLASS_DIGIT, CLASS_LOWER, CLASS_PUNCT, CLASS_SPACE, CLASS_UPPER, KIND_CLASS_MASK, WORD_CLASSES } from './char-classes.ts';

/** Names of the statistics, in the order `docStats` writes them. All are counts (linear in the text's length). */
export const DOC_STAT_NAMES = [
  'bytes',
  'letters',
  'digits',
  'punct',
  'spaces',
  'nonAsciiBytes',
  'words',
  'lines',
  'caseSwitches',
  'letterDigitSwitches',
  'punctRuns',
  'spaceRuns',
  'longWordChars',
  'shortWords',
  'vowels',
  'rareLetterPairs',
] as const;
export type DocStatName = (typeof DOC_STAT_NAMES)[number];
export const DOC_STAT_COUNT = DOC_STAT_NAMES.length;

/** Characters of a word beyond this length count as `longWordChars` (long words split into more tokens). */
export const LONG_WORD = 8;

/** ASCII letter -> 0..25, or -1. */
const LETTER_INDEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 26; c++) {
  LETTER_INDEX[97 + c] = c;
  LETTER_INDEX[65 + c] = c;
}
const IS_VOWEL = new Uint8Array(128);
for (const ch of 'aeiouAEIOU') IS_VOWEL[ch.charCodeAt(0)] = 1;

/**
 * Letter pairs that are frequent inside English words: a pair outside this set (keyboard mash, identifiers, base64)
 * rarely has a merge in a prose-trained BPE vocabulary. 26 x 26 flags.
 */
const COMMON_PAIRS = new Uint8Array(26 * 26);
for (const pair of (
  'th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ' +
  'ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee ' +
  'wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op ' +
  'wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ' +
  'ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ' +
  'ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo ' +
  'ff ze za zo zi ka ko ku'
).split(' ')) {
  COMMON_PAIRS[LETTER_INDEX[pair.charCodeAt(0)]! * 26 + LETTER_INDEX[pair.charCodeAt(1)]!] = 1;
}

/**
 * The same letter statistics as one table lookup per character, for the featurizer's single scan (which measures these
 * statistics in its word loop instead of calling docStats): entry (p << 7) | c for the previous and current character of
 * a word, each an ASCII code or 0 for anything else (a non-ASCII character, or no previous character). Bit 0: p and c
 * are both ASCII letters and their pair is not common (`rareLetterPairs`); bit 1: c is an ASCII vowel (`vowels`).
 */
export const ASCII_PAIR_FLAGS = new Uint8Array(128 * 128);
for (let p = 0; p < 128; p++) {
  for (let c = 0; c < 128; c++) {
    const lp = LETTER_INDEX[p]!;
    const lc = LETTER_INDEX[c]!;
    const rare = lp >= 0 && lc >= 0 && COMMON_PAIRS[lp * 26 + lc] === 0 ? 1 : 0;
    ASCII_PAIR_FLAGS[(p << 7) | c] = rare | (IS_VOWEL[c]! << 1);
  }
}

/**
 * The statistics of one text, written into `out` (length DOC_STAT_COUNT, reused by callers that score many texts) in
 * DOC_STAT_NAMES order. `bytes` is the text's UTF-8 length (the reader already knows it).
 */
export function docStats(text: string, bytes: number, out: Float64Array = new Float64Array(DOC_STAT_COUNT)): Float64Array {
  let letters = 0;
  let digits = 0;
  let punct = 0;
  let spaces = 0;
  let nonAscii = 0;
  let words = 0;
  let lines = 0;
  let caseSwitches = 0;
  let letterDigit = 0;
  let punctRuns = 0;
  let spaceRuns = 0;
  let longWordChars = 0;
  let shortWords = 0;
  let vowels = 0;
  let rarePairs = 0;
  let prevClass = CLASS_SPACE; // the class before the text
  let wordLen = 0;
  let prevLetter = -1; // ASCII letter index of the previous character, or -1
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const cls = CHAR_KIND[c]! & KIND_CLASS_MASK;
    if (c >= 128) nonAscii++;
    if (cls & WORD_CLASSES) {
      if ((prevClass & WORD_CLASSES) === 0) {
        words++;
        wordLen = 0;
      } else if (cls === CLASS_UPPER && prevClass === CLASS_LOWER) caseSwitches++;
      else if ((cls === CLASS_DIGIT) !== (prevClass === CLASS_DIGIT)) letterDigit++;
      wordLen++;
      if (wordLen > LONG_WORD) longWordChars++;
      if (cls === CLASS_DIGIT) digits++;
      else letters++;
      const li = c < 128 ? LETTER_INDEX[c]! : -1;
      if (li >= 0) {
        vowels += IS_VOWEL[c]!;
        if (prevLetter >= 0 && COMMON_PAIRS[prevLetter * 26 + li] === 0) rarePairs++;
      }
      prevLetter = li;
    } else {
      if ((prevClass & WORD_CLASSES) !== 0 && wordLen < 3) shortWords++;
      prevLetter = -1;
      if (cls === CLASS_SPACE) {
        spaces++;
        if (prevClass !== CLASS_SPACE) spaceRuns++;
        if (c === 10) lines++;
      } else {
        punct++; // punctuation and symbols (every non-word, non-space class)
        if (prevClass !== CLASS_PUNCT) punctRuns++;
      }
    }
    prevClass = cls;
  }
  if ((prevClass & WORD_CLASSES) !== 0 && wordLen < 3) shortWords++;
  out[0] = bytes;
  out[1] = letters;
  out[2] = digits;
  out[3] = punct;
  out[4] = spaces;
  out[5] = bytes - (len - nonAscii); // UTF-8 bytes of the non-ASCII characters
  out[6] = words;
  out[7] = len > 0 ? lines + 1 : 0;
  out[8] = caseSwitches;
  out[9] = letterDigit;
  out[10] = punctRuns;
  out[11] = spaceRuns;
  out[12] = longWordChars;
  out[13] = shortWords;
  out[14] = vowels;
  out[15] = rarePairs;
  return out;
}
