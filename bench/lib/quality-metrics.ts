/**
 * Pure metrics of the quality benchmark: selection under a budget from keys (the same threshold machinery as the
 * pipeline's reduce and select stages), token overlap of two selections, composition by category, and a seeded random
 * selection of equal tokens.
 */
import {
  docHash,
  fillBoundary,
  findBoundary,
  isSelected,
  KeyHistogram,
  binOf,
  type BoundaryCandidate,
  type Budget,
} from '../../lib/select/index.ts';

/** One document as the benchmark sees it: where it is, its tokens, and the key a policy gave it (null = excluded). */
export interface KeyedDoc {
  id: string;
  /** Work item id. */
  item: string;
  /** Row within the work item. */
  row: number;
  tokens: number;
  key: number | null;
}

/**
 * The documents a budget selects from keyed documents, exactly as reduce + select would: whole key bins from the top,
 * then the boundary bin filled in the deterministic (hash, item, row) order. Returns one flag per document.
 */
export function selectByKeys(docs: readonly KeyedDoc[], budget: Budget, seed: number): boolean[] {
  const hist = new KeyHistogram();
  for (const d of docs) if (d.key !== null) hist.add(d.key, d.tokens);
  const boundary = findBoundary(hist, budget);
  const candidates: BoundaryCandidate[] = [];
  if (boundary.boundaryBin >= 0) {
    for (const d of docs) {
      if (d.key !== null && binOf(d.key) === boundary.boundaryBin) {
        candidates.push({ hash: docHash(d.id, seed), item: d.item, row: d.row, tokens: d.tokens });
      }
    }
  }
  const threshold = fillBoundary(candidates, boundary, budget);
  return docs.map((d) => isSelected(d.key, { hash: docHash(d.id, seed), item: d.item, row: d.row }, threshold));
}

/** Sum of `tokens` over the selected documents. */
export function selectedTokens(selected: readonly boolean[], tokens: readonly number[]): number {
  checkLengths(selected.length, tokens.length, 'selectedTokens');
  let sum = 0;
  for (let i = 0; i < selected.length; i++) if (selected[i]) sum += tokens[i]!;
  return sum;
}

/**
 * Share of the reference selection's tokens that the candidate selection also holds (0 when the reference selects
 * nothing). With equal budgets this is symmetric up to the boundary document.
 */
export function tokenOverlap(reference: readonly boolean[], candidate: readonly boolean[], tokens: readonly number[]): number {
  checkLengths(reference.length, candidate.length, 'tokenOverlap');
  checkLengths(reference.length, tokens.length, 'tokenOverlap');
  let ref = 0;
  let both = 0;
  for (let i = 0; i < reference.length; i++) {
    if (!reference[i]) continue;
    ref += tokens[i]!;
    if (candidate[i]) both += tokens[i]!;
  }
  return ref === 0 ? 0 : both / ref;
}

/** Token share of each category in the selection (categories with no selected tokens get 0); sums to 1 when non-empty. */
export function composition(
  selected: readonly boolean[],
  tokens: readonly number[],
  categories: readonly string[],
  allCategories: readonly string[],
): Record<string, number> {
  checkLengths(selected.length, tokens.length, 'composition');
  checkLengths(selected.length, categories.length, 'composition');
  const out: Record<string, number> = {};
  for (const c of allCategories) out[c] = 0;
  let total = 0;
  for (let i = 0; i < selected.length; i++) {
    if (!selected[i]) continue;
    const c = categories[i]!;
    out[c] = (out[c] ?? 0) + tokens[i]!;
    total += tokens[i]!;
  }
  if (total > 0) for (const c of Object.keys(out)) out[c]! /= total;
  return out;
}

/** Summed share of the categories that start with `prefix` (default `junk-`: the demo corpus's generated junk). */
export function prefixShare(shares: Readonly<Record<string, number>>, prefix = 'junk-'): number {
  let s = 0;
  for (const [c, v] of Object.entries(shares)) if (c.startsWith(prefix)) s += v;
  return s;
}

/**
 * A seeded uniform random selection of at most `budgetTokens` tokens: documents in the order of their id hash under
 * `seed`, taken while they fit, stopping at the first that does not (filled to within one document, like the
 * pipeline's boundary fill).
 */
export function randomSelection(ids: readonly string[], tokens: readonly number[], budgetTokens: number, seed: number): boolean[] {
  checkLengths(ids.length, tokens.length, 'randomSelection');
  const order = ids.map((id, i) => ({ h: docHash(id, seed), i })).sort((a, b) => a.h - b.h || a.i - b.i);
  const out = new Array<boolean>(ids.length).fill(false);
  let left = budgetTokens;
  for (const { i } of order) {
    if (tokens[i]! > left) break;
    left -= tokens[i]!;
    out[i] = true;
  }
  return out;
}

function checkLengths(a: number, b: number, fn: string): void {
  if (a !== b) throw new RangeError(`${fn}: arrays differ in length (${a} vs ${b})`);
}
