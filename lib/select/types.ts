import type { PolicySpec } from './policy-kinds/index.ts';

/** What a policy sees of one scored document. */
export interface PolicyDoc {
  /** The document's id (seeds the `sample` policy's noise). */
  id: string;
  /** The proxy's prediction: mean over the ensemble (loss, or reducible loss). */
  score: number;
  /** The ensemble's spread (standard deviation across members). */
  std: number;
  /** Length in UTF-16 code units. */
  chars: number;
  words: number;
  /**
   * The quality rules the document fails (a bitmask, lib/rules); 0 or absent: passes them all. A document that fails
   * any of the context's `ruleMask` (any at all without a context) is excluded by every policy.
   */
  rules?: number;
}

/**
 * What the labelled sample says about trustworthy predictions, from the proxy card (`card.selection`): the predictions
 * on the sample's documents that pass the quality rules (their quantiles place the `label-band`), and the range a
 * prediction must lie in, and the spread it must stay under, to be trusted.
 */
export interface SelectionContext {
  /** Quantiles 0, 0.001, ..., 1 of the proxy's predictions on the labelled documents that pass the quality rules. */
  passQuantiles: readonly number[];
  /** A prediction below minScore or above maxScore lies outside what the labels cover: the proxy extrapolates. */
  minScore: number;
  maxScore: number;
  /** A spread (ensemble std) above this is far above the typical one on unseen labelled documents. */
  maxStd: number;
  /** The quality rules that exclude a document (bits of `PolicyDoc.rules`; 0 when the spec turns rules off). */
  ruleMask: number;
}

/** Why a policy excludes a document (its key is null). */
export type ExclusionReason = 'rules' | 'filters' | 'untrusted' | 'band';

/** Options every policy is built with. */
export interface PolicyOptions {
  /** The job's seed (the `sample` policy derives its Gumbel noise from it). */
  seed: number;
  /**
   * Quantiles 0, 0.001, ..., 1 (1001 entries) of the proxy's predictions on the sample; the `band` policy reads its
   * cut-offs from it (linear interpolation). Other policies ignore it.
   */
  scoreQuantiles: readonly number[];
  /** The card's selection context; absent (cards written before it, tests): no trust check, no label-band. */
  context?: SelectionContext;
}

/** A selection policy: maps a document to a key (higher = selected first), or to null when it is excluded. */
export interface Policy {
  readonly kind: PolicySpec['kind'];
  /**
   * Set for `budget-band`: the selection comes from the lowest keys holding this multiple of the budget (reduce
   * excludes the highest keys above them), not from the top of the whole key order.
   */
  readonly budgetMultiple?: number;
  /** A finite, float32-representable key, or null when a filter (or a band tail) excludes the document. */
  key(doc: PolicyDoc): number | null;
  /** Why `key` returns null for this document (call it only then). */
  exclusion(doc: PolicyDoc): ExclusionReason;
}

/** Documents and tokens in one bin (or any set of bins). */
export interface BinTotals {
  docs: number;
  tokens: number;
}

/** A KeyHistogram as stored: `[bin, docs, tokens]` triples, strictly ascending by bin; empty bins are omitted. */
export interface KeyHistogramJSON {
  bins: [number, number, number][];
}

/** A budget in its unit, tokens or documents: what the threshold search takes of the resolved budget (lib/job's `ResolvedBudget`). */
export interface Budget {
  unit: 'tokens' | 'docs';
  amount: number;
}

/** Where the budget runs out in a merged histogram (see `findBoundary`). */
export interface Boundary {
  /** The bin the budget runs out in; -1 when the whole histogram fits (everything is selected). */
  boundaryBin: number;
  /** Everything in bins strictly above the boundary bin: selected in full. */
  above: BinTotals;
  /** What is left of the budget (in its unit) to fill from the boundary bin. */
  remaining: number;
  /** Totals of the boundary bin itself (zero when boundaryBin is -1). */
  boundaryTotals: BinTotals;
}

/** A document's place in the boundary bin's deterministic order: by hash, then item, then row. */
export interface DocOrder {
  /** `docHash(id, seed)`. */
  hash: number;
  /** The work item's id. */
  item: string;
  /** The document's row within its work item. */
  row: number;
}

/** A document of the boundary bin, read back by reduce. */
export interface BoundaryCandidate extends DocOrder {
  tokens: number;
}

/**
 * The top of the key order that a `budget-band` policy excludes: every bin above `boundaryBin`, and in it the
 * documents at or before `cutoff` in the boundary order (hash, item, row). The rest holds at most multiple x budget.
 */
export interface Exclusion {
  boundaryBin: number;
  /** null: nothing of the boundary bin is excluded. */
  cutoff: DocOrder | null;
  /** What is excluded. */
  excluded: BinTotals;
}

/** Where the excluded top of a budget-band ends in a merged histogram (see `findExclusion`). */
export interface ExclusionBoundary {
  boundaryBin: number;
  /** Everything in bins above the boundary bin: excluded in full. */
  above: BinTotals;
  /** What is still to exclude from the boundary bin (in the budget's unit; > 0). */
  remaining: number;
  boundaryTotals: BinTotals;
}

/** threshold.json's cut: what select needs to decide each document alone. */
export interface Threshold {
  /** Bins above this are selected in full; -1 selects every document the policy keeps. */
  boundaryBin: number;
  /** In the boundary bin, documents at or before this (hash, item, row) are selected; null selects none of them. */
  cutoff: DocOrder | null;
  /** What the selection holds: the documents and tokens `isSelected` accepts over the whole corpus. */
  expected: BinTotals;
  /** `budget-band` only: the top of the key order excluded before the budget is filled from what is left. */
  exclude?: Exclusion;
  /**
   * Documents at or before the cut-off that are not selected: near the budget's end, those too large for what was left
   * (settle skips them so that a budget is filled to within a small fraction rather than one document). Absent: none.
   */
  skipped?: DocOrder[];
}
