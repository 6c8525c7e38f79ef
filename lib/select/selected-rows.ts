import type { PolicySpec } from './policy-kinds/index.ts';
import { docHash } from './hash.ts';
import { makePolicy, policyOptions } from './policies.ts';
import { isSelected, skippedRows } from './threshold.ts';
import type { PolicyDoc, SelectionContext, Threshold } from './types.ts';

/** One scored document as a score file holds it: what the policy sees, its row in the item and its tokens. */
export interface ScoredDoc extends PolicyDoc {
  row: number;
  tokens: number;
}

/**
 * The rows of one item's score file that the threshold selects, and their estimated tokens (as scored). The one place
 * that applies a threshold to scores: the select stage and the report both use it. Rows deduplication removed
 * (`removed`) are never selected.
 */
export function selectedRows(
  rows: readonly ScoredDoc[],
  item: string,
  threshold: { policy: PolicySpec; threshold: Threshold },
  card: { scoreQuantiles: readonly number[]; selection?: SelectionContext },
  seed: number,
  removed: ReadonlySet<number> = new Set(),
): { rows: Set<number>; tokens: number } {
  const policy = makePolicy(threshold.policy, policyOptions(card, seed));
  const skipped = skippedRows(threshold.threshold, item);
  const chosen = new Set<number>();
  let tokens = 0;
  for (const r of rows) {
    if (skipped.has(r.row) || removed.has(r.row)) continue;
    if (isSelected(policy.key(r), { hash: docHash(r.id, seed), item, row: r.row }, threshold.threshold)) {
      chosen.add(r.row);
      tokens += r.tokens;
    }
  }
  return { rows: chosen, tokens };
}
