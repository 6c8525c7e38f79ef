/**
 * Evaluating the rules on one document: {@link evaluateRules} gives the bitmask of the enabled rules it fails,
 * {@link measureRules} the statistic behind each rule, for debugging and tests.
 *
 * Exhaustive (the default): every enabled rule is evaluated whatever else fails, so per-rule counts can be reported.
 * With `exhaustive: false`, a document that already fails a rule other than the n-gram repetition rules (bits 11-19,
 * the costliest third of the work on prose) skips those rules, whose bits then stay 0: their counts then cover only
 * documents that pass every other rule, like a filter placed last in a pipeline.
 *
 * A statistic with an empty denominator (no words, no lines, an empty text) is undefined (NaN) and its rule passes;
 * the word-count rule is the one that removes empty and tiny documents.
 */
import { ALL_RULES_MASK, RULES } from './catalog.ts';
import { DocumentStats, scanDocument, scanNgrams } from './scan.ts';
import { MAX_KERNEL_CHARS, RulesKernel, type RuleTokens } from './kernel/rules-kernel.ts';
import { DEFAULT_RULES } from './spec.ts';
import type { CompiledRules, RuleName, RuleValues } from './types.ts';

/** The n-gram rules: top 2- to 4-gram, duplicate 5- to 10-gram character fractions. */
const NGRAM_BITS = 0x1ff << 11;

const stats = new DocumentStats();
/** Rule statistics by bit. */
const values = new Float64Array(32);

/** Fills `v` (by bit) with each rule's statistic from a scan. */
function computeValues(s: DocumentStats, v: Float64Array): void {
  const tokens = s.tokens;
  v[0] = s.words;
  v[1] = s.words > 0 ? s.wordChars / s.words : Number.NaN;
  v[2] = tokens > 0 ? Math.max(s.hashes / tokens, s.ellipses / tokens) : Number.NaN;
  v[3] = s.lines > 0 ? s.bulletLines / s.lines : Number.NaN;
  v[4] = s.lines > 0 ? s.ellipsisLines / s.lines : Number.NaN;
  v[5] = tokens > 0 ? s.alphaWords / tokens : Number.NaN;
  v[6] = s.stopWords;
  const len = s.length;
  v[7] = s.gLines > 0 ? s.gDupLines / s.gLines : Number.NaN;
  v[8] = s.paragraphs > 0 ? s.dupParagraphs / s.paragraphs : Number.NaN;
  v[9] = len > 0 ? s.gDupLineChars / len : Number.NaN;
  v[10] = len > 0 ? s.dupParagraphChars / len : Number.NaN;
  for (let n = 2; n <= 4; n++) v[9 + n] = len > 0 ? s.topNgramChars[n] / len : Number.NaN;
  for (let n = 5; n <= 10; n++) v[9 + n] = len > 0 ? s.dupNgramChars[n] / len : Number.NaN;
  v[20] = s.lorem;
  v[21] = s.curly;
  v[22] = s.c4Sentences;
  v[23] = s.fwLines > 0 ? s.fwPunctLines / s.fwLines : Number.NaN;
  v[24] = s.fwLines > 0 ? s.fwShortLines / s.fwLines : Number.NaN;
  const nonNewline = len - s.newlines;
  v[25] = nonNewline > 0 ? s.fwDupChars / nonNewline : Number.NaN;
  v[26] = tokens > 0 ? s.newlines / tokens : Number.NaN;
}

/** The bits of the enabled rules that fail, from the statistics (NaN compares false: the rule passes). */
function failedBits(v: Float64Array, rules: CompiledRules): number {
  const p = rules.params;
  let f = 0;
  const wc = p['gopher.word_count'];
  if (v[0] < wc.min || v[0] > wc.max) f |= 1 << 0;
  const mwl = p['gopher.mean_word_length'];
  if (v[1] < mwl.min || v[1] > mwl.max) f |= 1 << 1;
  if (v[2] > p['gopher.symbol_word_ratio'].max) f |= 1 << 2;
  if (v[3] > p['gopher.bullet_lines'].max) f |= 1 << 3;
  if (v[4] > p['gopher.ellipsis_lines'].max) f |= 1 << 4;
  if (v[5] < p['gopher.alpha_words'].min) f |= 1 << 5;
  if (v[6] < p['gopher.stop_words'].min) f |= 1 << 6;
  if (v[7] > p['gopher.dup_line_frac'].max) f |= 1 << 7;
  if (v[8] > p['gopher.dup_para_frac'].max) f |= 1 << 8;
  if (v[9] > p['gopher.dup_line_char_frac'].max) f |= 1 << 9;
  if (v[10] > p['gopher.dup_para_char_frac'].max) f |= 1 << 10;
  if (v[11] > p['gopher.top_2gram_char_frac'].max) f |= 1 << 11;
  if (v[12] > p['gopher.top_3gram_char_frac'].max) f |= 1 << 12;
  if (v[13] > p['gopher.top_4gram_char_frac'].max) f |= 1 << 13;
  if (v[14] > p['gopher.dup_5gram_char_frac'].max) f |= 1 << 14;
  if (v[15] > p['gopher.dup_6gram_char_frac'].max) f |= 1 << 15;
  if (v[16] > p['gopher.dup_7gram_char_frac'].max) f |= 1 << 16;
  if (v[17] > p['gopher.dup_8gram_char_frac'].max) f |= 1 << 17;
  if (v[18] > p['gopher.dup_9gram_char_frac'].max) f |= 1 << 18;
  if (v[19] > p['gopher.dup_10gram_char_frac'].max) f |= 1 << 19;
  if (v[20] > 0) f |= 1 << 20;
  if (v[21] > 0) f |= 1 << 21;
  if (v[22] < p['c4.min_sentences'].min) f |= 1 << 22;
  const lp = p['fineweb.line_punct_ratio'];
  if (v[23] <= lp.min && !(v[23] === 0 && lp.excludeZero)) f |= 1 << 23;
  if (v[24] >= p['fineweb.short_line_ratio'].max) f |= 1 << 24;
  if (v[25] >= p['fineweb.dup_line_char_frac'].max) f |= 1 << 25;
  if (v[26] > p['fineweb.list_ratio'].max) f |= 1 << 26;
  return (f & rules.mask) >>> 0;
}

/** The WebAssembly kernel (created on first use; one per thread). */
let kernel: RulesKernel | undefined;

/** Code units per kernel call at most: a larger batch is evaluated in several calls (bounds the kernel's memory). */
const KERNEL_CALL_CHARS = 1 << 22;

/**
 * The bitmask (uint32) of the enabled rules that `text` fails; 0 when it passes them all. Bit i is the rule of
 * catalog bit i (`RULES`, `ruleNamesOf`). Every enabled rule is evaluated, whatever else fails (unless the rules say
 * `exhaustive: false`). Runs in the WebAssembly kernel (kernel/rules-kernel.as.ts), which gives the same bits as the
 * TypeScript evaluator ({@link evaluateRulesReference}); documents of more than 2^18 code units take the latter.
 */
export function evaluateRules(text: string, rules: CompiledRules = DEFAULT_RULES): number {
  if (rules.mask === 0) return 0;
  if (text.length > MAX_KERNEL_CHARS) return evaluateRulesReference(text, rules);
  kernel ??= new RulesKernel();
  return kernel.evaluateOne(text, rules);
}

/** {@link evaluateRules} of every text, in one pass through the kernel (cheaper per document than one call each). */
export function evaluateRulesBatch(texts: readonly string[], rules: CompiledRules = DEFAULT_RULES): Uint32Array {
  const out = new Uint32Array(texts.length);
  if (rules.mask === 0) return out;
  kernel ??= new RulesKernel();
  let from = 0;
  while (from < texts.length) {
    let to = from;
    let chars = 0;
    while (to < texts.length) {
      const len = texts[to]!.length;
      if (len > MAX_KERNEL_CHARS || (to > from && chars + len > KERNEL_CALL_CHARS)) break;
      chars += len;
      to++;
    }
    if (to > from) kernel.evaluate(texts, from, to, rules, out);
    else {
      out[from] = evaluateRulesReference(texts[from]!, rules);
      to = from + 1;
    }
    from = to;
  }
  return out;
}

/**
 * {@link evaluateRulesBatch} of `texts` from the rules tokens the featurizer's scan kernel wrote in its own pass over
 * them (`tokens`: see RuleTokens; the score stage's combined call, lib/proxy ProxyScorer.score with `rules`), so the
 * rules kernel walks tokens instead of characters. The same bits.
 */
export function evaluateRulesTokens(texts: readonly string[], tokens: RuleTokens, rules: CompiledRules = DEFAULT_RULES): Uint32Array {
  const out = new Uint32Array(texts.length);
  if (rules.mask === 0 || texts.length === 0) return out;
  kernel ??= new RulesKernel();
  kernel.evaluateTokens(tokens, rules, out);
  for (let i = 0; i < texts.length; i++) if (texts[i]!.length > MAX_KERNEL_CHARS) out[i] = evaluateRulesReference(texts[i]!, rules);
  return out;
}

/** The rules' token records of one text (see RuleTokens), from the rules kernel's own tokenizer: for tests. */
export function ruleTokenRecords(text: string): Int32Array {
  kernel ??= new RulesKernel();
  return kernel.tokenRecords(text);
}

/** The TypeScript evaluator: the definition the kernel follows, bit for bit (and what measureRules measures). */
export function evaluateRulesReference(text: string, rules: CompiledRules = DEFAULT_RULES): number {
  const mask = rules.mask;
  if (mask === 0) return 0;
  scanDocument(text, rules, stats, false);
  if ((mask & NGRAM_BITS) !== 0) {
    if (!rules.exhaustive) {
      computeValues(stats, values);
      const failed = failedBits(values, rules);
      if (failed !== 0) return failed;
    }
    scanNgrams(rules, stats);
  }
  computeValues(stats, values);
  return failedBits(values, rules);
}

/** What {@link measureRules} returns: every rule's statistic, the failed bits, and C4's line accounting. */
export interface RuleMeasurement {
  /** The statistic each rule compares (NaN: undefined, the rule passes). */
  values: RuleValues;
  /** Bits of the enabled rules of `rules` that fail (what evaluateRules returns). */
  failed: number;
  /** C4's lines: kept, and removed by the first reason that applies, in C4's order. */
  c4Lines: { kept: number; tooLongWord: number; noTerminalPunct: number; tooFewWords: number; javascript: number; policy: number };
}

/**
 * Every rule's statistic for `text` under the parameters of `rules` (all rules are measured, enabled or not, and
 * the distinct stop words are all counted), and the bits an exhaustive `evaluateRules(text, rules)` returns. For
 * debugging and tests: it allocates its result.
 */
export function measureRules(text: string, rules: CompiledRules = DEFAULT_RULES): RuleMeasurement {
  const all: CompiledRules = { ...rules, mask: ALL_RULES_MASK };
  const s = new DocumentStats();
  scanDocument(text, all, s, true);
  scanNgrams(all, s);
  const v = new Float64Array(32);
  computeValues(s, v);
  const named = {} as Record<RuleName, number>;
  for (const r of RULES) named[r.name] = v[r.bit];
  return {
    values: named,
    failed: (failedBits(v, all) & rules.mask) >>> 0,
    c4Lines: {
      kept: s.c4Kept,
      tooLongWord: s.c4TooLongWord,
      noTerminalPunct: s.c4NoTerminalPunct,
      tooFewWords: s.c4TooFewWords,
      javascript: s.c4Javascript,
      policy: s.c4Policy,
    },
  };
}
