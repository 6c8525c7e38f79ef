/** Helpers of the rules' tests: one-rule configurations and hand-made documents of exact sizes. */
import { evaluateRules, resolveRules, rulesSchema } from '../../lib/rules/index.ts';
import { evaluateRulesReference, measureRules } from '../../lib/rules/evaluate.ts';
import { RULE_NAMES } from '../../lib/rules/catalog.ts';
import type { RuleName } from '../../lib/rules/index.ts';
import type { CompiledRules } from '../../lib/rules/types.ts';

/** Only `name` enabled, with `params` overriding its defaults. */
export function only(name: RuleName, params: Record<string, unknown> | true = true): CompiledRules {
  const spec: Record<string, unknown> = Object.fromEntries(RULE_NAMES.map((n) => [n, false]));
  spec[name] = params;
  return resolveRules(rulesSchema.parse(spec));
}

/**
 * Whether `text` fails the rule `name` alone (with `params`), by the WebAssembly kernel (evaluateRules), which must
 * give the TypeScript reference's bits.
 */
export function fails(text: string, name: RuleName, params: Record<string, unknown> | true = true): boolean {
  const rules = only(name, params);
  const mask = evaluateRules(text, rules);
  const reference = evaluateRulesReference(text, rules);
  if (mask !== reference) throw new Error(`kernel ${mask.toString(2)} and reference ${reference.toString(2)} differ on ${JSON.stringify(text.slice(0, 60))}`);
  return mask !== 0;
}

/** The statistic `name` compares, for `text` (default parameters unless given). */
export function valueOf(text: string, name: RuleName, params: Record<string, unknown> | true = true): number {
  return measureRules(text, only(name, params)).values[name];
}

/** `count` distinct lowercase words (no stop words: they all start with 'z'), e.g. "zab". */
export function distinctWords(count: number, from = 0): string[] {
  const words: string[] = [];
  for (let i = from; i < from + count; i++) {
    let w = '';
    let k = i;
    do {
      w = String.fromCharCode(97 + (k % 26)) + w;
      k = Math.floor(k / 26);
    } while (k > 0);
    words.push(`z${w}`);
  }
  return words;
}

/**
 * `text` followed by a space and distinct filler words (starting with 'q', so they repeat nothing in `text`) up to
 * exactly `length` characters.
 */
export function padTo(text: string, length: number): string {
  let out = text;
  let i = 0;
  while (out.length < length) {
    const room = length - out.length - 1; // after the space
    if (room <= 0) throw new Error(`cannot pad ${out.length} characters to ${length}`);
    let w = `q${i.toString(36)}`;
    i++;
    if (room < w.length) throw new Error(`cannot pad ${out.length} characters to ${length}`);
    // Leave room for one more word of at least 2 characters, or end exactly.
    if (room - w.length > 0 && room - w.length < 3) w += 'X'.repeat(room - w.length);
    out += ` ${w}`;
  }
  return out;
}
