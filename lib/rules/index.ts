/**
 * Heuristic quality rules (Gopher, C4, FineWeb) as document-level verdicts: proxysel selects whole documents and
 * never edits them, so each rule says whether a document fails, and the outcome of all rules is one uint32 bitmask
 * (bit order stable, see catalog.ts).
 *
 * Use: `const rules = resolveRules(rulesSchema.parse(spec.rules))`, then `evaluateRules(text, rules)` per document
 * (0 = passes every enabled rule), or `evaluateRulesBatch(texts, rules)` per batch (one call into the WebAssembly
 * kernel for the batch); `RULES` / `RULE_BY_NAME` name the rules by bit. `gopher.stop_words` is on by default and
 * removes non-English text (see spec.ts). This index exports what other folders use; the tests and benchmarks reach
 * the rest (`ruleNamesOf`, the TypeScript reference evaluator the kernel follows bit for bit) in its modules.
 */
export { RULE_BY_NAME, RULES } from './catalog.ts';
export { KERNEL_CHAR_CLASS } from './char-classes.ts';
export { RulesSpecError } from './errors.ts';
export { evaluateRules, evaluateRulesBatch, evaluateRulesTokens } from './evaluate.ts';
export { MAX_KERNEL_CHARS, type RuleTokens } from './kernel/rules-kernel.ts';
export { resolveRules, rulesSchema, type RulesSpec } from './spec.ts';
export type { CompiledRules, RuleName } from './types.ts';
