/**
 * Character classes of every UTF-16 code unit, for the rules' single scan: one table lookup per character.
 *
 * The classes follow what the reference implementations use (Python semantics, as run by datatrove):
 * - whitespace: `str.isspace()`, the separators of `str.split()` and what `str.strip()` removes;
 * - line boundary: what `str.splitlines()` splits on (`\r\n` is one boundary, handled by the scanner);
 * - punctuation: datatrove's `PUNCTUATION_SET` (src/datatrove/utils/text.py: its `PUNCTUATION` string, the C0/C1
 *   control characters and `TERMINAL_PUNCTUATION`); a word made only of these is a "symbol word";
 * - alphabetic: `str.isalpha()`, Unicode general category L.
 * Code units of astral characters (surrogates) are in no class: such characters count as word characters that are
 * neither alphabetic nor punctuation (datatrove's terminal punctuation of astral scripts is not recognized).
 */

/** `str.isspace()`: separates words and is stripped from line and paragraph edges. */
export const CC_SPACE = 1;
/** In datatrove's PUNCTUATION_SET. */
export const CC_PUNCT = 2;
/** `str.isalpha()`. */
export const CC_ALPHA = 4;
/** A `str.splitlines()` boundary (also whitespace). */
export const CC_LINE_BREAK = 8;
/** `.`, `!` or `?`: ends a sentence for C4's sentence count. */
export const CC_SENTENCE_END = 16;
/** Closing quotes and brackets that may follow a sentence end before the whitespace (`."`, `?)`). */
export const CC_CLOSER = 32;
/** `i`, `u`, `p`, `c` (either case): a word starting with one may end a phrase C4 looks for ("lorem ipsum", "privacy policy"). */
export const CC_PHRASE_START = 64;
/** `j`, `J`: may start "javascript". */
export const CC_J = 128;

/** datatrove's PUNCTUATION string (text.py), without the control-character ranges added to it there. */
const DATATROVE_PUNCTUATION =
  '!/\u2014\u201d:\uff05\uff11\u3008&(\u3001\u2501\u005c\u3010#%\u300c\u300d\uff0c\u3011\uff1b+^]~\u201c\u300a\u201e\u0027;\u2019{|\u2236\u00b4[=-`*\uff0e\uff08\u2013\uff1f\uff01\uff1a$\uff5e\u00ab\u3009,><\u300b)?\uff09\u3002\u2026@_."}\u25ba\u00bb';

/** The Basic Multilingual Plane members of datatrove's TERMINAL_PUNCTUATION set (text.py). */
const DATATROVE_TERMINAL_PUNCTUATION_BMP =
  '!.?\u0589\u061d\u061e\u061f\u06d4\u0700\u0701\u0702\u07f9\u0837\u0839\u083d\u083e\u0964\u0965\u104a\u104b\u1362\u1367\u1368\u166e\u1735\u1736\u17d4\u17d5\u17d6\u17d9\u17da\u1803\u1809\u1944\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f\u1b7d\u1b7e\u1c3b\u1c3c\u1c7e\u1c7f\u203c\u203d\u2047\u2048\u2049\u2e2e\u2e3c\u2e53\u2e54\u3002\ua4ff\ua60e\ua60f\ua6f3\ua6f7\ua876\ua877\ua8ce\ua8cf\ua92f\ua9c8\ua9c9\uaa5d\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52\ufe56\ufe57\uff01\uff0e\uff1f\uff61';

/** Python's `str.isspace()` code points (all in the Basic Multilingual Plane). */
function isPythonSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Python's `str.splitlines()` boundaries. */
function isPythonLineBreak(c: number): boolean {
  return (c >= 10 && c <= 13) || (c >= 0x1c && c <= 0x1e) || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function buildClassTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const alpha = /\p{L}/u;
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    let k = 0;
    if (isPythonSpace(c)) k |= CC_SPACE;
    if (isPythonLineBreak(c)) k |= CC_LINE_BREAK;
    if (c <= 8 || c === 11 || c === 12 || (c >= 13 && c <= 31) || (c >= 127 && c <= 159)) k |= CC_PUNCT;
    if (alpha.test(String.fromCharCode(c))) k |= CC_ALPHA;
    table[c] = k;
  }
  for (const s of [DATATROVE_PUNCTUATION, DATATROVE_TERMINAL_PUNCTUATION_BMP]) {
    for (let i = 0; i < s.length; i++) table[s.charCodeAt(i)] |= CC_PUNCT;
  }
  for (const c of [0x2e, 0x21, 0x3f]) table[c] |= CC_SENTENCE_END;
  for (const c of [0x22, 0x27, 0x29, 0x5d, 0x2019, 0x201d, 0xbb]) table[c] |= CC_CLOSER;
  for (const ch of 'iupcIUPC') table[ch.charCodeAt(0)] |= CC_PHRASE_START;
  table[0x6a] |= CC_J;
  table[0x4a] |= CC_J;
  return table;
}

/** Class bits (CC_*) of every code unit. 64 KiB, built once when the module loads. */
export const CHAR_CLASS: Uint8Array = buildClassTable();

/**
 * In the kernels' class table only: '.', '#', '…' or '{' (what Gopher's symbol ratio and C4's curly-brace rule count),
 * so the token walk looks for them only in the tokens that hold one.
 */
export const CC_RARE = 256;

/** The kernels' class table (lib/rules/kernel, the featurizer's scan kernel): CHAR_CLASS | CC_RARE. 128 KiB. */
export const KERNEL_CHAR_CLASS: Uint16Array = (() => {
  const table = Uint16Array.from(CHAR_CLASS);
  for (const c of [0x2e, 0x23, 0x2026, 0x7b]) table[c] |= CC_RARE;
  return table;
})();
