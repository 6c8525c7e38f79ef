/**
 * Heuristic quality rules (Gopher, C4, FineWeb) as document-level verdicts: proxysel selects whole documents and
 * never edits them, so each rule says whether a document fails, and the outcome of all rules is one uint32 bitmask
 * (bit order stable, see catalog.ts).
 *
 * Use: `const rules = resolveRules(rulesSchema.parse(spec.rules))`, then `evaluateRules(text, rules)` per document
 * (0 = passes every enabled rule), or `evaluateRulesBatch(texts, rules)` per batch (one call into the WebAssembly
 * kernel for the batch); `ruleNamesOf(mask)` names the failed rules. `evaluateRulesReference` is the TypeScript
 * evaluator the kernel follows bit for bit. `gopher.stop_words` is on by default and removes non-English text (see
 * spec.ts).
 */
export { KERNEL_CHAR_CLASS } from './char-classes.ts';
export { ALL_RULES_MASK, DEFAULT_RULE_PARAMS, GOPHER_STOP_WORDS, RULE_BY_NAME, RULE_NAMES, RULES, ruleMask, ruleNamesOf } from './catalog.ts';
export { RulesSpecError } from './errors.ts';
export { evaluateRules, evaluateRulesBatch, evaluateRulesReference, evaluateRulesTokens, measureRules, ruleTokenRecords } from './evaluate.ts';
export { MAX_KERNEL_CHARS, type RuleTokens } from './kernel/rules-kernel.ts';
export type { RuleMeasurement } from './evaluate.ts';
export { DEFAULT_RULES, parseRulesSpec, resolveRules, rulesSchema } from './spec.ts';
export type { RulesSpec, RulesSpecInput } from './spec.ts';
export type { CompiledRules, RuleDefinition, RuleName, RuleParams, RuleSource, RuleValues } from './types.ts';
