import { z } from 'zod';
import { ThresholdError } from './errors.ts';
import { binOf, KEY_BINS, type KeyHistogram } from './histogram.ts';
import type { BinTotals, Boundary, BoundaryCandidate, Budget, DocOrder, Exclusion, ExclusionBoundary, Policy, Threshold } from './types.ts';

/** threshold.json's `threshold`, for reading it back. */
const docOrderSchema = z.object({ hash: z.number().int().min(0).max(0xffffffff), item: z.string(), row: z.number().int().nonnegative() });
const totalsSchema = z.object({ docs: z.number().int().nonnegative(), tokens: z.number().nonnegative() });

export const thresholdSchema = z.object({
  boundaryBin: z.number().int().min(-1).max(KEY_BINS - 1),
  cutoff: docOrderSchema.nullable(),
  expected: totalsSchema,
  // skipped before exclude: the order settle writes them in (a threshold read back keeps its bytes).
  skipped: z.array(docOrderSchema).optional(),
  exclude: z.object({ boundaryBin: z.number().int().min(0).max(KEY_BINS - 1), cutoff: docOrderSchema.nullable(), excluded: totalsSchema }).optional(),
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
 * A boundary bin's documents in (hash, item, row) order, after checking that as many were read back from the scores as
 * the histograms counted in that bin (a mismatch means the scores and the histograms disagree).
 */
function orderedBoundaryBin(
  caller: string,
  candidates: readonly BoundaryCandidate[],
  boundary: { boundaryBin: number; boundaryTotals: BinTotals },
): BoundaryCandidate[] {
  if (candidates.length !== boundary.boundaryTotals.docs) {
    throw new ThresholdError(
      `${caller}: boundary bin ${boundary.boundaryBin} holds ${boundary.boundaryTotals.docs} documents by the histograms ` +
        `but ${candidates.length} were read back from the scores (were they scored with another policy?)`,
    );
  }
  return [...candidates].sort(compareDocOrder);
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
  const ordered = orderedBoundaryBin('fillBoundary', candidates, boundary);
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
 * The budget-band rule, written once: a budget-band policy keeps `kept` (in the budget's unit), and the band below its
 * excluded top is to hold at most `multiple` x `budget`, so this much is excluded from the top (none when <= 0). Reduce
 * applies it to the merged histograms (`findExclusion`), fit to the held-out documents (lib/tokens policyTokenErrors).
 */
export function budgetBandExcess(kept: number, budget: number, multiple: number): number {
  return kept - multiple * budget;
}

/**
 * Where a budget-band's excluded top ends: the policy keeps `kept` (in the budget's unit), the band below is to hold at
 * most multiple x budget, so at least kept - multiple x budget is excluded from the top: the fewest documents, in the
 * order bins from the highest down and, within a bin, by (hash, item, row). Walks whole bins while they stay short of
 * that amount; the bin that reaches it is the exclusion's boundary bin. Null when nothing needs excluding.
 */
export function findExclusion(hist: KeyHistogram, budget: Budget, multiple: number): ExclusionBoundary | null {
  checkBudget(budget);
  if (!(Number.isFinite(multiple) && multiple >= 1)) throw new ThresholdError(`budget-band multiple must be a finite number >= 1, got ${multiple}`);
  const amount = budgetBandExcess(cost(budget.unit, hist.totals), budget.amount, multiple);
  if (!(amount > 0)) return null;
  const above: BinTotals = { docs: 0, tokens: 0 };
  let used = 0;
  for (const [bin, t] of hist.descending()) {
    const c = cost(budget.unit, t);
    if (used + c >= amount) return { boundaryBin: bin, above, remaining: amount - used, boundaryTotals: t };
    used += c;
    above.docs += t.docs;
    above.tokens += t.tokens;
  }
  throw new ThresholdError(`findExclusion: the histogram's bins add up to less than its totals`);
}

/**
 * Excludes from the exclusion's boundary bin the shortest prefix, in (hash, item, row) order, that reaches what is left
 * to exclude. Returns the exclusion and the boundary bin's documents left in the band (in that order): the top of the
 * band, from which the budget starts to fill.
 *
 * @param candidates every document of the boundary bin (in any order; not modified)
 * @throws ThresholdError when the candidates disagree with the histograms' count for the boundary bin
 */
export function fillExclusion(
  candidates: readonly BoundaryCandidate[],
  boundary: ExclusionBoundary,
  unit: Budget['unit'],
): { exclusion: Exclusion; kept: BoundaryCandidate[] } {
  const ordered = orderedBoundaryBin('fillExclusion', candidates, boundary);
  const excluded: BinTotals = { ...boundary.above };
  let taken = 0;
  let n = 0;
  while (n < ordered.length && taken < boundary.remaining) {
    const c = ordered[n++]!;
    taken += unit === 'docs' ? 1 : c.tokens;
    excluded.docs += 1;
    excluded.tokens += c.tokens;
  }
  const last = n > 0 ? ordered[n - 1]! : null;
  const cutoff = last ? { hash: last.hash, item: last.item, row: last.row } : null;
  return { exclusion: { boundaryBin: boundary.boundaryBin, cutoff, excluded }, kept: ordered.slice(n) };
}

/** True when a budget-band's exclusion takes the document of this bin and boundary order. */
export function isExcluded(bin: number, doc: DocOrder, exclusion: Exclusion): boolean {
  if (bin !== exclusion.boundaryBin) return bin > exclusion.boundaryBin;
  return exclusion.cutoff !== null && compareDocOrder(doc, exclusion.cutoff) <= 0;
}

/**
 * Decides one document alone from the threshold's cut: excluded (null key, or in a budget-band's excluded top) ->
 * false; above the boundary bin -> true; in it -> true when its (hash, item, row) is at or before the cut-off; below ->
 * false. The threshold's `skipped` documents are not looked at here: `skippedRows` lists an item's, and the caller
 * leaves them out.
 */
export function isSelected(key: number | null, doc: DocOrder, threshold: Threshold): boolean {
  if (key === null) return false;
  const bin = binOf(key);
  if (threshold.exclude && isExcluded(bin, doc, threshold.exclude)) return false;
  return isSelectedInBin(bin, doc, threshold);
}

/** `isSelected` for a document whose key's bin is already known, short of the budget-band exclusion. */
export function isSelectedInBin(bin: number, doc: DocOrder, threshold: Pick<Threshold, 'boundaryBin' | 'cutoff'>): boolean {
  if (bin > threshold.boundaryBin) return true;
  if (bin < threshold.boundaryBin || threshold.cutoff === null) return false;
  return compareDocOrder(doc, threshold.cutoff) <= 0;
}

/** Rows of one item that the threshold skips (see Threshold.skipped). */
export function skippedRows(threshold: Pick<Threshold, 'skipped'>, item: string): Set<number> {
  const rows = new Set<number>();
  for (const s of threshold.skipped ?? []) if (s.item === item) rows.add(s.row);
  return rows;
}

/**
 * The threshold that fills `budget` from a merged histogram of a policy's keys: the boundary bin from the histograms,
 * the exact cut in it from that bin's documents (`readBin` returns every document of one bin, read back from the
 * scores). For a budget-band policy (`budgetMultiple`), first the excluded top (`findExclusion`, `fillExclusion`), then
 * the budget from the top of what is left. At most two bins are read.
 */
export async function planThreshold(
  hist: KeyHistogram,
  budget: Budget,
  policy: Pick<Policy, 'budgetMultiple'>,
  readBin: (bin: number) => Promise<readonly BoundaryCandidate[]>,
): Promise<Threshold> {
  let band = hist;
  let exclusion: Exclusion | undefined;
  let bandTop: { bin: number; kept: BoundaryCandidate[] } | undefined;
  const exclusionBoundary = policy.budgetMultiple !== undefined ? findExclusion(hist, budget, policy.budgetMultiple) : null;
  if (exclusionBoundary) {
    const filled = fillExclusion(await readBin(exclusionBoundary.boundaryBin), exclusionBoundary, budget.unit);
    exclusion = filled.exclusion;
    const kept = filled.kept.reduce((a, c) => ({ docs: a.docs + 1, tokens: a.tokens + c.tokens }), { docs: 0, tokens: 0 });
    band = hist.keptBelow(exclusion.boundaryBin, kept);
    bandTop = { bin: exclusion.boundaryBin, kept: filled.kept };
  }
  const boundary = findBoundary(band, budget);
  let candidates: readonly BoundaryCandidate[] = [];
  if (boundary.boundaryBin >= 0) candidates = bandTop?.bin === boundary.boundaryBin ? bandTop.kept : await readBin(boundary.boundaryBin);
  const threshold = fillBoundary(candidates, boundary, budget);
  return exclusion ? { ...threshold, exclude: exclusion } : threshold;
}

/**
 * The three cuts reduce estimates (budget/estimate.json), each a budget and the policy to cut with: at the budget, and
 * at (1 - margin) and (1 + margin) of it, which bound the boundary region the count stage counts exactly (a margin of
 * Infinity: the upper cut takes everything). A budget-band's excluded top is the one its estimate at the budget
 * implies: the cuts on either side keep it (the multiple scales with the amount, so that kept - multiple x amount,
 * what is excluded, stays the same), and its multiple caps the upper cut.
 */
export function cutsAround<P extends Pick<Policy, 'budgetMultiple'>>(budget: Budget, margin: number, policy: P): { budget: Budget; policy: P | Pick<Policy, 'budgetMultiple'> }[] {
  const multiple = policy.budgetMultiple;
  const upperAmount = margin === Infinity ? Number.MAX_SAFE_INTEGER : Math.min(Number.MAX_SAFE_INTEGER, budget.amount * (1 + margin));
  const amounts = [
    budget.amount,
    Math.max(multiple === undefined ? 0 : 1, budget.amount * (1 - margin)),
    multiple === undefined ? upperAmount : Math.min(upperAmount, multiple * budget.amount),
  ];
  return amounts.map((amount) => ({
    budget: { unit: budget.unit, amount },
    policy: multiple === undefined || budget.amount <= 0 ? policy : { budgetMultiple: (multiple * budget.amount) / amount },
  }));
}

/** A document of the boundary region as settle walks it: its bin and order, its exact and estimated tokens. */
export interface RegionDoc extends DocOrder {
  bin: number;
  tokens: number;
  estimated: number;
}

/** Global selection order: higher bins first, then (hash, item, row) within a bin. */
export function compareRegion(a: RegionDoc, b: RegionDoc): number {
  return b.bin - a.bin || compareDocOrder(a, b);
}

/** Once this share of a token budget is filled, the walk stops at the next document that does not fit. */
export const FILL_TOLERANCE = 0.002;
/** At most this many documents are skipped (too large for what was left) before the walk stops anyway. */
export const MAX_SKIPPED = 256;

/**
 * Where the budget runs out in exact tokens: from the documents certainly selected (`certain`), walks the boundary
 * region in selection order, taking documents while they fit. A document that does not fit is skipped (recorded in
 * the threshold's `skipped`) while more than FILL_TOLERANCE of the budget is left, so one large document near the end
 * cannot leave the budget short by its size; the walk stops at the first one that does not fit after that (or after
 * MAX_SKIPPED). The cut is the last document taken. Null when the region cannot hold the cut: the certain documents
 * alone exceed the budget, or the region ran out first while documents beyond it (`upperTakesAll` false) might fit.
 */
export function cutInRegion(
  certain: { docs: number; tokens: number },
  region: readonly RegionDoc[],
  lower: Threshold,
  budget: Budget,
  upperTakesAll: boolean,
): Threshold | null {
  const cost = (tokens: number) => (budget.unit === 'docs' ? 1 : tokens);
  let used = budget.unit === 'docs' ? certain.docs : certain.tokens;
  if (used > budget.amount) return null;
  const expected = { docs: certain.docs, tokens: certain.tokens };
  let last: RegionDoc | undefined;
  let skipped: RegionDoc[] = [];
  let stopped = false;
  for (const r of region) {
    if (used + cost(r.tokens) > budget.amount) {
      if (used >= (1 - FILL_TOLERANCE) * budget.amount || skipped.length >= MAX_SKIPPED) {
        stopped = true;
        break;
      }
      skipped.push(r);
      continue;
    }
    used += cost(r.tokens);
    expected.docs += 1;
    expected.tokens += r.tokens;
    last = r;
  }
  if (!stopped && !upperTakesAll) return null;
  if (!last) return { boundaryBin: lower.boundaryBin, cutoff: lower.cutoff, expected };
  // Skipped documents after the last one taken lie beyond the cut anyway.
  skipped = skipped.filter((s) => compareRegion(s, last) < 0);
  return {
    boundaryBin: last.bin,
    cutoff: { hash: last.hash, item: last.item, row: last.row },
    expected,
    ...(skipped.length > 0 ? { skipped: skipped.map((s) => ({ hash: s.hash, item: s.item, row: s.row })) } : {}),
  };
}
