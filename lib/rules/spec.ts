/**
 * The `rules` field of the job spec and its resolution into what the evaluator takes.
 *
 * Shape: `{ enabled?: boolean, exhaustive?: boolean, "<rule name>"?: false | true | { <parameter overrides> } }`. Every rule of the
 * catalog is on by default with its published parameters; `false` turns one off, an object overrides some of its
 * parameters (the others keep their defaults), `enabled: false` turns all off. Unknown rule names and unknown
 * parameter names are rejected, and every number is bounded (ratios in [0, 1], counts non-negative integers).
 *
 * Example: `{ "gopher.stop_words": false, "c4.min_sentences": { "min": 3 }, "fineweb.dup_line_char_frac": { "max": 0.1 } }`
 *
 * LANGUAGE: `gopher.stop_words` is ON by default and removes every document with fewer than two of the English words
 * the, be, to, of, and, that, have, with: in effect it removes non-English text. English corpora are the target; for
 * a corpus in another language set `"gopher.stop_words": false`, or give that language's common words
 * (`{ "words": ["der", "die", "und", "zu", "den", "das", "nicht", "von"] }`). Other rules are tuned on English too
 * (mean word length, C4's sentences and terminal punctuation, FineWeb's line punctuation): check the report's
 * per-rule removals on a sample first.
 */
import { z } from 'zod';
import { formatZodError } from '../validate/index.ts';
import { DEFAULT_RULE_PARAMS, GOPHER_STOP_WORDS, RULES } from './catalog.ts';
import { CC_PUNCT, CC_SPACE, CHAR_CLASS } from './char-classes.ts';
import { RulesSpecError } from './errors.ts';
import { fnv1a } from './hash-tables.ts';
import type { CompiledRules, RuleName, RuleParams, StopWordTable } from './types.ts';

const D = DEFAULT_RULE_PARAMS;

/** A share in [0, 1]. */
const share = (def: number) => z.number().min(0).max(1).default(def);
/** A non-negative integer count up to `max`. */
const count = (def: number, max: number) => z.number().int().min(0).max(max).default(def);

const ENTRY_TYPE = 'expected true, false or an object of the rule\u2019s parameters';

/**
 * A rule's entry: false (off), true or absent (on, defaults) or parameter overrides (on); it parses to false or the
 * full parameters. Not a zod union, so a bad parameter is reported at its own path (a union reports the entry).
 */
function rule<T extends z.ZodType<object, object>>(params: T) {
  return z
    .custom<boolean | z.input<T>>()
    .default(true)
    .transform((v, ctx): false | z.output<T> => {
      if (v === true) return params.parse({});
      if (v === false) return false;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: ENTRY_TYPE });
        return z.NEVER;
      }
      const parsed = params.safeParse(v);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path });
      return z.NEVER;
    });
}

/** A rule whose only parameter is `max`, a share. */
const maxShare = (def: number) => rule(z.strictObject({ max: share(def) }));

function minNotAboveMax(p: { min: number; max: number }): boolean {
  return p.min <= p.max;
}

const stopWord = z
  .string()
  .min(1)
  .max(64)
  .refine((w) => ![...w].some((ch) => (CHAR_CLASS[ch.charCodeAt(0)] & CC_SPACE) !== 0), { message: 'a stop word is one word, without whitespace' })
  .refine((w) => (CHAR_CLASS[w.charCodeAt(0)] & CC_PUNCT) === 0 && (CHAR_CLASS[w.charCodeAt(w.length - 1)] & CC_PUNCT) === 0, {
    message: 'a stop word cannot start or end with punctuation (it is split off words)',
  });

export const rulesSchema = z.strictObject(
  {
    /** false turns every rule off. */
    enabled: z.boolean().default(true),
    /**
     * true: every enabled rule is evaluated on every document, so the report counts each rule's removals exactly.
     * false: a document already failing another rule skips the n-gram repetition rules (faster on corpora with
     * much junk; those rules' counts then cover only documents passing every other rule).
     */
    exhaustive: z.boolean().default(true),
    'gopher.word_count': rule(
      z
        .strictObject({ min: count(D['gopher.word_count'].min, 1e9), max: count(D['gopher.word_count'].max, 1e9) })
        .refine(minNotAboveMax, { message: 'min must not be above max', path: ['min'] }),
    ),
    'gopher.mean_word_length': rule(
      z
        .strictObject({
          min: z.number().min(0).max(1000).default(D['gopher.mean_word_length'].min),
          max: z.number().min(0).max(1000).default(D['gopher.mean_word_length'].max),
        })
        .refine(minNotAboveMax, { message: 'min must not be above max', path: ['min'] }),
    ),
    'gopher.symbol_word_ratio': rule(z.strictObject({ max: z.number().min(0).max(1000).default(D['gopher.symbol_word_ratio'].max) })),
    'gopher.bullet_lines': maxShare(D['gopher.bullet_lines'].max),
    'gopher.ellipsis_lines': maxShare(D['gopher.ellipsis_lines'].max),
    'gopher.alpha_words': rule(z.strictObject({ min: share(D['gopher.alpha_words'].min) })),
    'gopher.stop_words': rule(
      z
        .strictObject({
          min: count(D['gopher.stop_words'].min, 32),
          words: z
            .array(stopWord)
            .min(1)
            .max(32)
            .refine((ws) => new Set(ws).size === ws.length, { message: 'stop words must be distinct' })
            .default([...GOPHER_STOP_WORDS]),
        })
        .refine((p) => p.min <= p.words.length, { message: 'min must not be above the number of stop words', path: ['min'] }),
    ),
    'gopher.dup_line_frac': maxShare(D['gopher.dup_line_frac'].max),
    'gopher.dup_para_frac': maxShare(D['gopher.dup_para_frac'].max),
    'gopher.dup_line_char_frac': maxShare(D['gopher.dup_line_char_frac'].max),
    'gopher.dup_para_char_frac': maxShare(D['gopher.dup_para_char_frac'].max),
    'gopher.top_2gram_char_frac': maxShare(D['gopher.top_2gram_char_frac'].max),
    'gopher.top_3gram_char_frac': maxShare(D['gopher.top_3gram_char_frac'].max),
    'gopher.top_4gram_char_frac': maxShare(D['gopher.top_4gram_char_frac'].max),
    'gopher.dup_5gram_char_frac': maxShare(D['gopher.dup_5gram_char_frac'].max),
    'gopher.dup_6gram_char_frac': maxShare(D['gopher.dup_6gram_char_frac'].max),
    'gopher.dup_7gram_char_frac': maxShare(D['gopher.dup_7gram_char_frac'].max),
    'gopher.dup_8gram_char_frac': maxShare(D['gopher.dup_8gram_char_frac'].max),
    'gopher.dup_9gram_char_frac': maxShare(D['gopher.dup_9gram_char_frac'].max),
    'gopher.dup_10gram_char_frac': maxShare(D['gopher.dup_10gram_char_frac'].max),
    'c4.lorem_ipsum': rule(z.strictObject({})),
    'c4.curly_brace': rule(z.strictObject({})),
    'c4.min_sentences': rule(
      z.strictObject({
        min: count(D['c4.min_sentences'].min, 1e6),
        minWordsPerLine: count(D['c4.min_sentences'].minWordsPerLine, 1e6),
        maxWordLength: z.number().int().min(1).max(1e9).default(D['c4.min_sentences'].maxWordLength),
        dropNoTerminalPunct: z.boolean().default(D['c4.min_sentences'].dropNoTerminalPunct),
        removeCitations: z.boolean().default(D['c4.min_sentences'].removeCitations),
        dropJavascript: z.boolean().default(D['c4.min_sentences'].dropJavascript),
        dropPolicy: z.boolean().default(D['c4.min_sentences'].dropPolicy),
      }),
    ),
    'fineweb.line_punct_ratio': rule(
      z.strictObject({
        min: share(D['fineweb.line_punct_ratio'].min),
        excludeZero: z.boolean().default(D['fineweb.line_punct_ratio'].excludeZero),
      }),
    ),
    'fineweb.short_line_ratio': rule(
      z.strictObject({
        max: share(D['fineweb.short_line_ratio'].max),
        maxLength: count(D['fineweb.short_line_ratio'].maxLength, 1e6),
      }),
    ),
    'fineweb.dup_line_char_frac': maxShare(D['fineweb.dup_line_char_frac'].max),
    'fineweb.list_ratio': rule(z.strictObject({ max: z.number().min(0).max(1000).default(D['fineweb.list_ratio'].max) })),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown quality rule ${issue.keys.map((k) => `"${k}"`).join(', ')} (rules are named like "gopher.word_count", "c4.curly_brace", "fineweb.list_ratio")`
        : undefined,
  },
);

/** The `rules` field as written in a job spec. */
export type RulesSpecInput = z.input<typeof rulesSchema>;
/** The `rules` field after parsing: every rule `false` or its full parameters. */
export type RulesSpec = z.output<typeof rulesSchema>;

/** Parses a `rules` value; a problem throws a RulesSpecError naming each bad path (`where` is put before the paths). */
export function parseRulesSpec(input: unknown, where = 'rules'): RulesSpec {
  const result = rulesSchema.safeParse(input ?? {});
  if (!result.success) throw new RulesSpecError(formatZodError(result.error, { under: where, schema: rulesSchema, input: input ?? {} }));
  return result.data;
}

/** The stop-word lookup table the scanner probes with a word's FNV-1a hash. */
export function compileStopWords(words: readonly string[]): StopWordTable {
  // Sparse (at most 1/8 full) so that most words, which are not stop words, end on an empty slot at once.
  let cap = 64;
  while (cap < words.length * 8) cap *= 2;
  const shift = 32 - Math.log2(cap);
  const slots = new Int32Array(cap);
  const hashes = new Int32Array(words.length);
  words.forEach((w, i) => {
    const h = fnv1a(w);
    hashes[i] = h;
    let s = Math.imul(h, 0x9e3779b1) >>> shift;
    while (slots[s] !== 0) s = (s + 1) & (cap - 1);
    slots[s] = i + 1;
  });
  return { words: [...words], slots, hashes };
}

/** Turns a parsed `rules` spec into the evaluator's configuration: the enabled bitmask and every rule's parameters. */
export function resolveRules(spec: RulesSpec = rulesSchema.parse({})): CompiledRules {
  const params = {} as Record<RuleName, unknown>;
  let mask = 0;
  for (const r of RULES) {
    const entry = spec[r.name];
    params[r.name] = entry === false ? DEFAULT_RULE_PARAMS[r.name] : entry;
    if (spec.enabled && entry !== false) mask |= 1 << r.bit;
  }
  const resolved = params as unknown as RuleParams;
  return {
    mask: mask >>> 0,
    params: Object.freeze(resolved),
    exhaustive: spec.exhaustive,
    stopWords: compileStopWords(resolved['gopher.stop_words'].words),
  };
}

/** Every rule on with its published defaults. */
export const DEFAULT_RULES: CompiledRules = resolveRules();
