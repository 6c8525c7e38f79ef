import { RULES } from '../rules/index.ts';
import type { Exclusions, RuleTotals } from './schemas.ts';

/** Example ids kept per rule and item (the manifest keeps the first few over all items). */
export const RULE_EXAMPLES = 3;

/** Adds up what the quality rules removed: per rule (a document failing several counts for each) and in all. */
export class RuleTally {
  private readonly docs = new Float64Array(32);
  private readonly tokens = new Float64Array(32);
  private readonly examples: string[][] = Array.from({ length: 32 }, () => []);
  private anyDocs = 0;
  private anyTokens = 0;

  constructor(private readonly examplesPerRule = RULE_EXAMPLES) {}

  /** Counts one document that fails the rules of `mask` (nothing when 0). */
  add(mask: number, tokens: number, id: string): void {
    if (mask === 0) return;
    this.anyDocs += 1;
    this.anyTokens += tokens;
    for (let m = mask >>> 0; m !== 0; m &= m - 1) {
      const bit = 31 - Math.clz32(m & -m);
      this.docs[bit]! += 1;
      this.tokens[bit]! += tokens;
      if (this.examples[bit]!.length < this.examplesPerRule) this.examples[bit]!.push(id);
    }
  }

  /** Adds a stored tally (an item's) to this one. */
  merge(t: RuleTotals): void {
    this.anyDocs += t.failedAny.docs;
    this.anyTokens += t.failedAny.tokens;
    for (const r of t.byRule) {
      const def = RULES.find((x) => x.name === r.rule);
      if (!def) continue;
      this.docs[def.bit]! += r.docs;
      this.tokens[def.bit]! += r.tokens;
      const ex = this.examples[def.bit]!;
      for (const id of r.examples) if (ex.length < this.examplesPerRule) ex.push(id);
    }
  }

  /** Rules that removed something, in catalog order. */
  toJSON(): RuleTotals {
    const byRule: RuleTotals['byRule'] = [];
    for (const r of RULES) {
      if (this.docs[r.bit]! > 0) byRule.push({ rule: r.name, docs: this.docs[r.bit]!, tokens: this.tokens[r.bit]!, examples: [...this.examples[r.bit]!] });
    }
    return { failedAny: { docs: this.anyDocs, tokens: this.anyTokens }, byRule };
  }
}

/** Zero exclusions, to add to. */
export function emptyExclusions(): Exclusions {
  return { rules: { docs: 0, tokens: 0 }, filters: { docs: 0, tokens: 0 }, untrusted: { docs: 0, tokens: 0 }, band: { docs: 0, tokens: 0 } };
}

/** Adds b into a. */
export function addExclusions(a: Exclusions, b: Exclusions): void {
  for (const k of ['rules', 'filters', 'untrusted', 'band'] as const) {
    a[k].docs += b[k].docs;
    a[k].tokens += b[k].tokens;
  }
}
