/** Public types of the heuristic quality rules. */

/** Where a rule's definition comes from. */
export type RuleSource = 'gopher-quality' | 'gopher-repetition' | 'c4' | 'fineweb';

/** Parameters of every rule, by rule name. Each comment says when a document FAILS the rule. */
export interface RuleParams {
  /** Fails when the number of words (tokens that are not only punctuation) is < min or > max. */
  'gopher.word_count': { min: number; max: number };
  /** Fails when the mean length of those words is < min or > max characters. */
  'gopher.mean_word_length': { min: number; max: number };
  /** Fails when '#' per token, or ellipses ('...' and '…') per token, is > max. */
  'gopher.symbol_word_ratio': { max: number };
  /** Fails when the share of lines starting with '•' or '-' (after leading whitespace) is > max. */
  'gopher.bullet_lines': { max: number };
  /** Fails when the share of lines ending with '...' or '…' (before trailing whitespace) is > max. */
  'gopher.ellipsis_lines': { max: number };
  /** Fails when the share of tokens holding an alphabetic character is < min. */
  'gopher.alpha_words': { min: number };
  /** Fails when fewer than `min` distinct words of `words` occur (case-sensitive, as whole words). */
  'gopher.stop_words': { min: number; words: readonly string[] };
  /** Fails when the share of lines (split on runs of '\n') that repeat an earlier line is > max. */
  'gopher.dup_line_frac': { max: number };
  /** Fails when the share of paragraphs (split on '\n\n+') that repeat an earlier paragraph is > max. */
  'gopher.dup_para_frac': { max: number };
  /** Fails when the characters of repeated lines over the document's characters is > max. */
  'gopher.dup_line_char_frac': { max: number };
  /** Fails when the characters of repeated paragraphs over the document's characters is > max. */
  'gopher.dup_para_char_frac': { max: number };
  /** Fails when the most frequent word 2-gram's characters times its count, over the document's characters, is > max. */
  'gopher.top_2gram_char_frac': { max: number };
  'gopher.top_3gram_char_frac': { max: number };
  'gopher.top_4gram_char_frac': { max: number };
  /** Fails when the characters of repeated word 5-grams (each repeat counted once, not overlapping) over the document's characters is > max. */
  'gopher.dup_5gram_char_frac': { max: number };
  'gopher.dup_6gram_char_frac': { max: number };
  'gopher.dup_7gram_char_frac': { max: number };
  'gopher.dup_8gram_char_frac': { max: number };
  'gopher.dup_9gram_char_frac': { max: number };
  'gopher.dup_10gram_char_frac': { max: number };
  /** Fails when the document contains "lorem ipsum" (ASCII case-insensitive). No parameters. */
  'c4.lorem_ipsum': Record<string, never>;
  /** Fails when the document contains '{'. No parameters. */
  'c4.curly_brace': Record<string, never>;
  /**
   * Fails when fewer than `min` sentences remain after C4's line removals: a line is removed when it holds a word
   * longer than `maxWordLength`; (if `dropNoTerminalPunct`) when it does not end with . ? ! " ' or ends with '...'
   * (after Wikipedia-style citations are removed, if `removeCitations`); when it has fewer than `minWordsPerLine`
   * words; (if `dropJavascript`) when it mentions "javascript"; (if `dropPolicy`) when it holds a cookie / privacy
   * policy / terms of use phrase.
   */
  'c4.min_sentences': {
    min: number;
    minWordsPerLine: number;
    maxWordLength: number;
    dropNoTerminalPunct: boolean;
    removeCitations: boolean;
    dropJavascript: boolean;
    dropPolicy: boolean;
  };
  /** Fails when the share of lines ending with . ' " ! ? is <= min (unless it is 0 and `excludeZero`). */
  'fineweb.line_punct_ratio': { min: number; excludeZero: boolean };
  /** Fails when the share of lines of at most `maxLength` characters is >= max. */
  'fineweb.short_line_ratio': { max: number; maxLength: number };
  /** Fails when the characters of repeated non-blank lines over the document's non-newline characters is >= max. */
  'fineweb.dup_line_char_frac': { max: number };
  /** Fails when newlines per token is > max. */
  'fineweb.list_ratio': { max: number };
}

/** The name of a rule: a stable string, used in the job spec, the report and the scores' bitmask legend. */
export type RuleName = keyof RuleParams;

/** One rule of the catalog. */
export interface RuleDefinition {
  readonly name: RuleName;
  /** Its bit in the outcome bitmask (0..31). Stable: a bit is never reused for another rule. */
  readonly bit: number;
  readonly source: RuleSource;
  /** One line: what the rule removes. */
  readonly description: string;
  /** Where the definition and the default thresholds come from. */
  readonly reference: string;
}

/**
 * A rule configuration ready for {@link evaluateRules}: which rules are on (a bitmask) and every rule's parameters.
 * Made by `resolveRules`; treat as opaque and immutable.
 */
export interface CompiledRules {
  /** Bits of the enabled rules (uint32). */
  readonly mask: number;
  /** The parameters of every rule, enabled or not. */
  readonly params: Readonly<RuleParams>;
  /** Every enabled rule evaluated (true), or the n-gram rules skipped for documents failing another rule (false). */
  readonly exhaustive: boolean;
  /** The stop words of `gopher.stop_words`, compiled for lookup by the scanner. */
  readonly stopWords: StopWordTable;
}

/** Stop words with their hashes, for a lookup without building strings (internal to the module). */
export interface StopWordTable {
  readonly words: readonly string[];
  /** Open-addressing table: slot -> index + 1 into `words` (0 = empty). Length a power of two. */
  readonly slots: Int32Array;
  /** FNV-1a hash of each word. */
  readonly hashes: Int32Array;
}

/** The statistic each rule compares with its thresholds, by rule name; NaN where it is undefined (the rule passes). */
export type RuleValues = Record<RuleName, number>;
