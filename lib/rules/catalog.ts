/**
 * The rule catalog: every heuristic quality rule with its stable name, its bit in the outcome bitmask, its source and
 * its published default parameters.
 *
 * BIT ORDER IS STABLE. Scores written by one version are read by later ones, so a rule keeps its bit forever; a new
 * rule takes the next free bit (27..31 are free); a retired rule's bit is left unused, never reassigned.
 *
 * Sources (thresholds taken from these, not tuned here):
 * - gopher-quality, gopher-repetition: Rae et al. 2021, "Scaling Language Models: Methods, Analysis & Insights from
 *   Training Gopher", appendix A (MassiveText quality filters, table A1 for repetition), as implemented by
 *   HuggingFace datatrove `src/datatrove/pipeline/filters/gopher_quality_filter.py` and `gopher_repetition_filter.py`.
 * - c4: Raffel et al. 2019 (T5), section 2.2, as implemented by datatrove `c4_filters.py` (C4QualityFilter), which
 *   follows the paper's numbers (5 sentences, 3 words per line); TensorFlow Datasets' `c4_utils.py`, which built C4,
 *   uses 3 sentences and 5 words per line instead.
 * - fineweb: Penedo et al. 2024, "The FineWeb Datasets", section 3 (custom filters), as implemented by datatrove
 *   `fineweb_quality_filter.py` at the FineWeb release (April 2024): inclusive comparisons (<=, >=), every '\n'-split
 *   line counted, stop characters . ' " ! ?. (FineWeb-2 later changed it to strict comparisons, non-blank lines only
 *   and a wider set of terminal punctuation.)
 *
 * Document verdicts. proxysel selects whole documents and never edits them, so every rule says whether a document
 * fails. C4 is partly a line editor (it drops lines without terminal punctuation, with fewer than 3 words, mentioning
 * javascript, or holding a cookie / privacy / terms-of-use phrase) and drops the page when fewer than 5 sentences
 * are left: that page verdict is the rule `c4.min_sentences`, and the line removals are its parameters (each can be
 * turned off), not rules of their own. As separate document rules they would remove pages C4 keeps (a long article
 * with one cookie notice), and a line C4 would have dropped stays in the selected text either way. "lorem ipsum" and
 * '{' are page verdicts in C4 already; here they are looked for anywhere in the document, as the paper says, where
 * TFDS and datatrove only look in the lines that survived the line removals (the text proxysel keeps is the whole
 * document, so a brace in a dropped line would still be selected).
 *
 * Words: the reference implementations tokenize with NLTK's word_tokenize; here a word token is a whitespace-separated
 * token (Python `str.split()`), with the punctuation at its two edges split off as separate tokens (each run of one
 * repeated punctuation character one token: `"Hello,` gives `"`, `Hello`, `,`). That is close to NLTK for ordinary
 * prose (it keeps `don't` and `U.S` whole where NLTK gives `do`, `n't` and `U.S.`). Lengths are UTF-16 code units
 * (Python counts code points: they differ only for characters outside the Basic Multilingual Plane).
 */
import type { RuleDefinition, RuleName, RuleParams } from './types.ts';

const GOPHER_PAPER = 'Rae et al. 2021 (Gopher), appendix A';
const GOPHER_QUALITY = `${GOPHER_PAPER}; datatrove GopherQualityFilter`;
const GOPHER_REPETITION = `${GOPHER_PAPER}, table A1; datatrove GopherRepetitionFilter`;
const C4 = 'Raffel et al. 2019 (C4), section 2.2; datatrove C4QualityFilter';
const FINEWEB = 'Penedo et al. 2024 (FineWeb), section 3; datatrove FineWebQualityFilter (FineWeb release)';

/** Every rule, in bit order. */
export const RULES: readonly RuleDefinition[] = [
  { name: 'gopher.word_count', bit: 0, source: 'gopher-quality', description: 'fewer than 50 or more than 100,000 words', reference: GOPHER_QUALITY },
  { name: 'gopher.mean_word_length', bit: 1, source: 'gopher-quality', description: 'mean word length outside 3 to 10 characters', reference: GOPHER_QUALITY },
  { name: 'gopher.symbol_word_ratio', bit: 2, source: 'gopher-quality', description: "more than 0.1 '#' or ellipses per word", reference: GOPHER_QUALITY },
  { name: 'gopher.bullet_lines', bit: 3, source: 'gopher-quality', description: 'more than 90% of lines start with a bullet', reference: GOPHER_QUALITY },
  { name: 'gopher.ellipsis_lines', bit: 4, source: 'gopher-quality', description: 'more than 30% of lines end with an ellipsis', reference: GOPHER_QUALITY },
  { name: 'gopher.alpha_words', bit: 5, source: 'gopher-quality', description: 'fewer than 80% of words hold a letter', reference: GOPHER_QUALITY },
  { name: 'gopher.stop_words', bit: 6, source: 'gopher-quality', description: 'fewer than 2 of the English stop words the, be, to, of, and, that, have, with', reference: GOPHER_QUALITY },
  { name: 'gopher.dup_line_frac', bit: 7, source: 'gopher-repetition', description: 'more than 30% of lines are repeats', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_para_frac', bit: 8, source: 'gopher-repetition', description: 'more than 30% of paragraphs are repeats', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_line_char_frac', bit: 9, source: 'gopher-repetition', description: 'more than 20% of characters in repeated lines', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_para_char_frac', bit: 10, source: 'gopher-repetition', description: 'more than 20% of characters in repeated paragraphs', reference: GOPHER_REPETITION },
  { name: 'gopher.top_2gram_char_frac', bit: 11, source: 'gopher-repetition', description: 'the most frequent 2-gram covers more than 20% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.top_3gram_char_frac', bit: 12, source: 'gopher-repetition', description: 'the most frequent 3-gram covers more than 18% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.top_4gram_char_frac', bit: 13, source: 'gopher-repetition', description: 'the most frequent 4-gram covers more than 16% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_5gram_char_frac', bit: 14, source: 'gopher-repetition', description: 'repeated 5-grams cover more than 15% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_6gram_char_frac', bit: 15, source: 'gopher-repetition', description: 'repeated 6-grams cover more than 14% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_7gram_char_frac', bit: 16, source: 'gopher-repetition', description: 'repeated 7-grams cover more than 13% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_8gram_char_frac', bit: 17, source: 'gopher-repetition', description: 'repeated 8-grams cover more than 12% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_9gram_char_frac', bit: 18, source: 'gopher-repetition', description: 'repeated 9-grams cover more than 11% of characters', reference: GOPHER_REPETITION },
  { name: 'gopher.dup_10gram_char_frac', bit: 19, source: 'gopher-repetition', description: 'repeated 10-grams cover more than 10% of characters', reference: GOPHER_REPETITION },
  { name: 'c4.lorem_ipsum', bit: 20, source: 'c4', description: 'contains "lorem ipsum" placeholder text', reference: C4 },
  { name: 'c4.curly_brace', bit: 21, source: 'c4', description: "contains a curly bracket '{' (code)", reference: C4 },
  { name: 'c4.min_sentences', bit: 22, source: 'c4', description: "fewer than 5 sentences left after C4's line removals (no terminal punctuation, < 3 words, javascript, policy notices)", reference: C4 },
  { name: 'fineweb.line_punct_ratio', bit: 23, source: 'fineweb', description: 'at most 12% of lines end with terminal punctuation', reference: FINEWEB },
  { name: 'fineweb.short_line_ratio', bit: 24, source: 'fineweb', description: 'at least 67% of lines are 30 characters or shorter', reference: FINEWEB },
  { name: 'fineweb.dup_line_char_frac', bit: 25, source: 'fineweb', description: 'at least 1% of characters in repeated lines', reference: FINEWEB },
  { name: 'fineweb.list_ratio', bit: 26, source: 'fineweb', description: 'more than 0.3 newlines per word (lists)', reference: FINEWEB },
];

/** Every rule name, in bit order. */
export const RULE_NAMES: readonly RuleName[] = RULES.map((r) => r.name);

/** The rule of each name. */
export const RULE_BY_NAME: ReadonlyMap<RuleName, RuleDefinition> = new Map(RULES.map((r) => [r.name, r]));

/** Bitmask of every rule of the catalog. */
export const ALL_RULES_MASK: number = RULES.reduce((m, r) => (m | (1 << r.bit)) >>> 0, 0);

/** The stop words of the Gopher paper (and datatrove's default list). */
export const GOPHER_STOP_WORDS: readonly string[] = ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'];

/**
 * The published defaults. Each line cites where its number comes from; the comparison (strict or not) is the
 * reference implementation's and is stated in {@link RuleParams}.
 */
export const DEFAULT_RULE_PARAMS: Readonly<RuleParams> = {
  // Gopher appendix A: "does not contain between 50 and 100,000 words" (datatrove min_doc_words/max_doc_words).
  'gopher.word_count': { min: 50, max: 100_000 },
  // "mean word length is outside the range of 3 to 10 characters" (min_avg_word_length/max_avg_word_length).
  'gopher.mean_word_length': { min: 3, max: 10 },
  // "symbol-to-word ratio greater than 0.1 for either the hash symbol or the ellipsis" (max_symbol_word_ratio).
  'gopher.symbol_word_ratio': { max: 0.1 },
  // "more than 90% of lines starting with a bullet point" (max_bullet_lines_ratio).
  'gopher.bullet_lines': { max: 0.9 },
  // "more than 30% ending with an ellipsis" (max_ellipsis_lines_ratio).
  'gopher.ellipsis_lines': { max: 0.3 },
  // "80% of words in a document contain at least one alphabetic character" (max_non_alpha_words_ratio = 0.8).
  'gopher.alpha_words': { min: 0.8 },
  // "at least two of the following English words: the, be, to, of, and, that, have, with" (min_stop_words = 2).
  'gopher.stop_words': { min: 2, words: GOPHER_STOP_WORDS },
  // Table A1: duplicate line / paragraph fraction 0.30, duplicate line / paragraph character fraction 0.20.
  'gopher.dup_line_frac': { max: 0.3 },
  'gopher.dup_para_frac': { max: 0.3 },
  'gopher.dup_line_char_frac': { max: 0.2 },
  'gopher.dup_para_char_frac': { max: 0.2 },
  // Table A1: top 2-, 3-, 4-gram character fraction 0.20, 0.18, 0.16.
  'gopher.top_2gram_char_frac': { max: 0.2 },
  'gopher.top_3gram_char_frac': { max: 0.18 },
  'gopher.top_4gram_char_frac': { max: 0.16 },
  // Table A1: duplicate 5- to 10-gram character fraction 0.15, 0.14, 0.13, 0.12, 0.11, 0.10.
  'gopher.dup_5gram_char_frac': { max: 0.15 },
  'gopher.dup_6gram_char_frac': { max: 0.14 },
  'gopher.dup_7gram_char_frac': { max: 0.13 },
  'gopher.dup_8gram_char_frac': { max: 0.12 },
  'gopher.dup_9gram_char_frac': { max: 0.11 },
  'gopher.dup_10gram_char_frac': { max: 0.1 },
  // C4: "We removed any page where the phrase 'lorem ipsum' appeared".
  'c4.lorem_ipsum': {},
  // C4: "we removed any pages that contained a curly bracket".
  'c4.curly_brace': {},
  // C4: terminal punctuation lines, "fewer than 5 sentences", "at least 3 words", javascript lines; datatrove adds
  // the 1000-character word limit, citation removal and the policy lines of TFDS' c4_utils.
  'c4.min_sentences': {
    min: 5,
    minWordsPerLine: 3,
    maxWordLength: 1000,
    dropNoTerminalPunct: true,
    removeCitations: true,
    dropJavascript: true,
    dropPolicy: true,
  },
  // FineWeb: "fraction of lines ending with punctuation <= 0.12" (line_punct_thr, line_punct_exclude_zero=False).
  'fineweb.line_punct_ratio': { min: 0.12, excludeZero: false },
  // FineWeb: "fraction of lines shorter than 30 characters >= 0.67" (short_line_thr, short_line_length).
  'fineweb.short_line_ratio': { max: 0.67, maxLength: 30 },
  // FineWeb: fraction of characters in duplicated lines; datatrove's char_duplicates_ratio = 0.01, the value the
  // FineWeb pipeline ran with.
  'fineweb.dup_line_char_frac': { max: 0.01 },
  // datatrove FineWebQualityFilter's list filter (new_line_ratio = 0.3), part of the filter FineWeb ran; the paper
  // lists only the three filters above.
  'fineweb.list_ratio': { max: 0.3 },
};

/** The bit of a rule, as a mask. */
export function ruleMask(name: RuleName): number {
  const rule = RULE_BY_NAME.get(name);
  if (!rule) throw new RangeError(`unknown quality rule "${name}"`);
  return (1 << rule.bit) >>> 0;
}

/** The names of the rules whose bits are set in `mask`, in bit order. */
export function ruleNamesOf(mask: number): RuleName[] {
  const names: RuleName[] = [];
  for (const r of RULES) if ((mask >>> r.bit) & 1) names.push(r.name);
  return names;
}
