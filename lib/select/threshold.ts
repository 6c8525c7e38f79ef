import { z } from 'zod';
import { ThresholdError } from './errors.ts';
import { binOf, KEY_BINS, type KeyHistogram } from './histogram.ts';
import type { BinTotals, Boundary, BoundaryCandidate, Budget, DocOrder, Threshold } from './types.ts';

/** threshold.json's `threshold`, for reading it back. */
export const thresholdSchema = z.object({
  boundaryBin: z.number().int().min(-1).max(KEY_BINS - 1),
  cutoff: z
    .object({ hash: z.number().int().min(0).max(0xffffffff), item: z.string(), row: z.number().int().nonnegative() })
    .nullable(),
  expected: z.object({ docs: z.number().int().nonnegative(), tokens: z.number().nonnegative() }),
});

function checkBudget(budget: Budget): void {
  if (budget.unit !== 'tokens' && budget.unit !== 'docs') throw new ThresholdError(`budget unit must be "tokens" or "docs", got ${String(budget.unit)}`);
  if (!(Number.isFinite(budget.amount) && budget.amount >= 0)) {
    throw new ThresholdError(`budget amount must be a finite number >= 0, got ${budget.amount}`);
  }
}

function cost(unit: Budget['unit'], t: BinTotals): number {
  return unit === 'docs' ? t.docs : t.tokens;
}

/**
 * The boundary-bin order: by hash, then item id (code-unit order), then row. Negative when a comes first.
 */
export function compareDocOrder(a: DocOrder, b: DocOrder): number {
  if (a.hash !== b.hash) return a.hash - b.hash;
  if (a.item !== b.item) return a.item < b.item ? -1 : 1;
  return a.row - b.row;
}

/**
 * Walks the merged histogram from the highest bin down, taking whole bins while they fit the budget. The first bin that
 * does not fit is the boundary bin: bins above it are selected in full, and `remaining` of the budget is to be filled
 * from it (`fillBoundary`). When every bin fits, boundaryBin is -1 and everything is selected.
 */
export function findBoundary(hist: KeyHistogram, budget: Budget): Boundary {
  checkBudget(budget);
  const above: BinTotals = { docs: 0, tokens: 0 };
  let used = 0;
  for (const [bin, t] of hist.descending()) {
    const c = cost(budget.unit, t);
    if (used + c > budget.amount) {
      return { boundaryBin: bin, above, remaining: budget.amount - used, boundaryTotals: t };
    }
    used += c;
    above.docs += t.docs;
    above.tokens += t.tokens;
  }
  return { boundaryBin: -1, above, remaining: budget.amount - used, boundaryTotals: { docs: 0, tokens: 0 } };
}

/**
 * Fills the rest of the budget from the boundary bin's documents: orders them by (hash, item, row) and takes the
 * longest prefix that fits, stopping at the first document that would exceed the budget (later, smaller documents are
 * not taken: the cut stays one tuple). The selection so never exceeds the budget, and misses it by less than the size
 * of that first document that did not fit: filled to within one document.
 *
 * @param candidates every document of the boundary bin (in any order; not modified)
 * @throws ThresholdError when the candidates disagree with the histograms' count for the boundary bin
 */
export function fillBoundary(candidates: readonly BoundaryCandidate[], boundary: Boundary, budget: Budget): Threshold {
  checkBudget(budget);
  if (boundary.boundaryBin < 0) {
    if (candidates.length > 0) throw new ThresholdError(`fillBoundary: ${candidates.length} candidates but the whole histogram fits the budget`);
    return { boundaryBin: -1, cutoff: null, expected: { ...boundary.above } };
  }
  if (candidates.length !== boundary.boundaryTotals.docs) {
    throw new ThresholdError(
      `fillBoundary: boundary bin ${boundary.boundaryBin} holds ${boundary.boundaryTotals.docs} documents by the histograms ` +
        `but ${candidates.length} were read back from the scores (were they scored with another policy?)`,
    );
  }
  const ordered = [...candidates].sort(compareDocOrder);
  const expected: BinTotals = { ...boundary.above };
  let left = boundary.remaining;
  let cutoff: DocOrder | null = null;
  for (const c of ordered) {
    const need = budget.unit === 'docs' ? 1 : c.tokens;
    if (need > left) break;
    left -= need;
    expected.docs += 1;
    expected.tokens += c.tokens;
    cutoff = { hash: c.hash, item: c.item, row: c.row };
  }
  return { boundaryBin: boundary.boundaryBin, cutoff, expected };
}

/**
 * The boundary-bin document at which {@link fillBoundary} stopped: the first, in the boundary order, after the cut-off
 * (or the first of all when nothing fitted), or undefined when every candidate was taken. A token budget's fill stops
 * at it even when smaller documents follow, so one huge document there can leave most of the budget unused.
 */
export function blockingDocument<C extends BoundaryCandidate>(candidates: readonly C[], threshold: Threshold): C | undefined {
  let first: C | undefined;
  for (const c of candidates) {
    if (threshold.cutoff !== null && compareDocOrder(c, threshold.cutoff) <= 0) continue;
    if (first === undefined || compareDocOrder(c, first) < 0) first = c;
  }
  return first;
}

/**
 * Decides one document alone from the threshold: excluded (null key) -> false; above the boundary bin -> true; in it ->
 * true when its (hash, item, row) is at or before the cut-off; below -> false.
 */
export function isSelected(key: number | null, doc: DocOrder, threshold: Threshold): boolean {
  if (key === null) return false;
  const bin = binOf(key);
  if (bin > threshold.boundaryBin) return true;
  if (bin < threshold.boundaryBin || threshold.cutoff === null) return false;
  return compareDocOrder(doc, threshold.cutoff) <= 0;
}
