/**
 * The one word tokenizer of the ngram reference model, shared by training and scoring.
 *
 * Text is lowercased once, then a single global regular expression yields, left to right:
 * - words: runs of letters (and combining marks), with inner apostrophes kept (`don't`, `o'clock`);
 * - numbers: runs of digits with inner `.`/`,` groups (`3.14`, `1,000`);
 * - punctuation and symbols: one token per character (`"`, `.`, `-`, `$`).
 * Whitespace separates tokens and is dropped. Hyphenated words split (`term-end` -> `term`, `-`, `end`).
 *
 * Boundary symbols are not produced here: the model brackets every document with `<s>` ... `</s>` itself, and since
 * `<`, `>` and `/` are single punctuation tokens, no text can ever tokenize into a boundary or `<unk>` symbol.
 */
const TOKEN = /[\p{L}\p{M}]+(?:['\u2019][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{M}\p{N}]/gu;

/** Lowercased word, number and punctuation tokens of `text`, in order (no boundary symbols). */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}
