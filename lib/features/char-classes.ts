/** Character classes by char code, for the featurizer's single scan. */

export const CLASS_LOWER = 1;
export const CLASS_UPPER = 2;
export const CLASS_DIGIT = 4;
export const CLASS_SPACE = 8;
export const CLASS_PUNCT = 16;
/** A non-ASCII character that is part of words (letters of other scripts, CJK, symbols we do not split on). */
export const CLASS_OTHER_WORD = 32;

/** Word characters: letters, digits and non-ASCII word characters. */
export const WORD_CLASSES = CLASS_LOWER | CLASS_UPPER | CLASS_DIGIT | CLASS_OTHER_WORD;

/** Lowercase mapping for char codes below this bound (Latin, Greek, Cyrillic); above it codes are kept as they are. */
export const LOWER_TABLE_SIZE = 0x530;

/** Class of every char code below LOWER_TABLE_SIZE. */
export const CHAR_CLASS: Uint8Array = new Uint8Array(LOWER_TABLE_SIZE);
/** Lowercase of every char code below LOWER_TABLE_SIZE (single code unit mappings only). */
export const LOWER: Uint16Array = new Uint16Array(LOWER_TABLE_SIZE);

for (let c = 0; c < LOWER_TABLE_SIZE; c++) {
  const s = String.fromCharCode(c);
  const lower = s.toLowerCase();
  LOWER[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
  if (c >= 97 && c <= 122) CHAR_CLASS[c] = CLASS_LOWER;
  else if (c >= 65 && c <= 90) CHAR_CLASS[c] = CLASS_UPPER;
  else if (c >= 48 && c <= 57) CHAR_CLASS[c] = CLASS_DIGIT;
  else if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x85) CHAR_CLASS[c] = CLASS_SPACE;
  else if (c < 128) CHAR_CLASS[c] = c < 32 || c === 127 ? CLASS_SPACE : CLASS_PUNCT;
  else if (c < 0xc0) CHAR_CLASS[c] = CLASS_PUNCT; // Latin-1 symbols and punctuation
  else if (c === 0xd7 || c === 0xf7) CHAR_CLASS[c] = CLASS_PUNCT;
  else CHAR_CLASS[c] = LOWER[c] !== c ? CLASS_UPPER : CLASS_OTHER_WORD;
}

/** Class of a char code at or above LOWER_TABLE_SIZE. */
export function classOfHigh(c: number): number {
  if (c >= 0x2000 && c <= 0x206f) return c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f ? CLASS_SPACE : CLASS_PUNCT;
  if (c === 0x3000) return CLASS_SPACE;
  if (c >= 0x3001 && c <= 0x3003) return CLASS_PUNCT;
  if (c >= 0xff01 && c <= 0xff0f) return CLASS_PUNCT;
  if (c === 0xfeff) return CLASS_SPACE;
  return CLASS_OTHER_WORD;
}

/** Bit of CHAR_KIND: the char code is 128 or above (non-ASCII). */
export const KIND_NON_ASCII = 64;
/** Bit of CHAR_KIND: the char separates whitespace words. */
export const KIND_WORD_SEPARATOR = 128;
/** Mask of CHAR_KIND's class bits (one of the CLASS_* values). */
export const KIND_CLASS_MASK = 63;

/** Whether `c` separates whitespace-delimited words: space, \t-\r, NBSP, U+2000-U+200A, U+3000. */
export function isWordSeparator(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}

/**
 * Kind of every UTF-16 code unit, one lookup per character in the featurizer's scan: the class (CHAR_CLASS below
 * LOWER_TABLE_SIZE, classOfHigh above) | KIND_NON_ASCII | KIND_WORD_SEPARATOR. 64 KiB.
 */
export const CHAR_KIND: Uint8Array = new Uint8Array(0x10000);

for (let c = 0; c < 0x10000; c++) {
  let k = c < LOWER_TABLE_SIZE ? CHAR_CLASS[c]! : classOfHigh(c);
  if (c >= 128) k |= KIND_NON_ASCII;
  if (isWordSeparator(c)) k |= KIND_WORD_SEPARATOR;
  CHAR_KIND[c] = k;
}
