import { compareRefs, refKey } from './doc-ref.ts';
import { radixOrder, type PartitionRecords } from './partition-records.ts';
import type { ClusterGuard, DocRef } from './types.ts';

/**
 * Exact deduplication decided inside one partition. Every document has one exact record, in the partition of its
 * normalized-text hash, so the copies of a text all meet in one partition, and a cluster of exact copies is exactly
 * the group of records with that hash: no cluster spans two partitions, and no partition needs another's records or
 * any signature file. Each group keeps the copy `compareKeepOrder` ranks first (higher policy key, an excluded
 * document last, then lower tie hash, then (item, pos)) and removes the others: what `resolveClusters` decides for
 * exact copies (their similarity is 1, so a guarded cluster also keeps only its best), without holding every pair of
 * the corpus in one call (docs/performance.md, "The dedup shuffle").
 */

/** One of a partition's largest clusters, as the summary lists it (refs; the ids are read at the end). */
export interface LargestCandidate {
  docs: number;
  /** The cluster's smallest (item, pos): the tie-break of the listing order. */
  first: DocRef;
  kept: DocRef;
  /** The first removed copy in keep order. */
  example: DocRef;
  guard?: 'size' | 'item-share';
}

/** What a partition's exact clusters add to the dedup summary. */
export interface ExactPartitionSummary {
  clusters: number;
  /** Verified pairs (each removed copy is paired with its group's first record): copies - 1 per cluster. */
  pairs: number;
  docsRemoved: number;
  tokensRemoved: number;
  guarded: { clusters: number; docs: number; kept: number };
  /** The partition's largest clusters, in listing order (at most `listed`). */
  largest: LargestCandidate[];
}

/** The removed copies of a partition, in (item, row) order: columns of equal length. */
export interface ExactRemovals {
  count: number;
  item: Uint32Array;
  row: Uint32Array;
  tokens: Uint32Array;
  /** Policy key as stored (NaN: excluded). */
  key: Float32Array;
}

/** The listing order of clusters: more documents first, then the smaller first member. */
export function compareListing(a: { docs: number; first: DocRef }, b: { docs: number; first: DocRef }): number {
  return b.docs - a.docs || compareRefs(a.first, b.first);
}

/**
 * Resolves the exact copies of one partition's records (exact records only; band records are ignored).
 * @param itemDocs documents of work item `item` (the item-share guard)
 * @param listed how many of the largest clusters to return
 */
export function resolveExactPartition(
  records: PartitionRecords,
  itemDocs: (item: number) => number,
  guard: Pick<ClusterGuard, 'maxClusterSize' | 'maxItemShare'>,
  listed: number,
): { summary: ExactPartitionSummary; removals: ExactRemovals } {
  const n = records.exacts;
  const { exactHi: hi, exactLo: lo, exactItem: item, exactPos: pos, exactTie: tie, exactTokens: tokens, exactRow: row } = records;
  const key = records.exactKey;
  const summary: ExactPartitionSummary = { clusters: 0, pairs: 0, docsRemoved: 0, tokensRemoved: 0, guarded: { clusters: 0, docs: 0, kept: 0 }, largest: [] };
  const removed: number[] = [];
  // The keep order of two records (compareKeepOrder over the same fields).
  const keepOrder = (i: number, j: number) => {
    const a = key[i]!;
    const b = key[j]!;
    if (!(Number.isNaN(a) && Number.isNaN(b)) && a !== b) {
      if (Number.isNaN(a)) return 1;
      if (Number.isNaN(b)) return -1;
      return b - a;
    }
    return tie[i]! - tie[j]! || refKey(item[i]!, pos[i]!) - refKey(item[j]!, pos[j]!);
  };
  const order = radixOrder(hi, lo, n);
  for (let from = 0; from < n; ) {
    const f = order[from]!;
    let to = from + 1;
    while (to < n && hi[order[to]!] === hi[f] && lo[order[to]!] === lo[f]) to++;
    if (to - from >= 2) {
      const members = Array.from(order.subarray(from, to)).sort(keepOrder);
      const size = members.length;
      let reason: LargestCandidate['guard'];
      if (size > guard.maxClusterSize) reason = 'size';
      else {
        const perItem = new Map<number, number>();
        for (let m = 1; m < size; m++) perItem.set(item[members[m]!]!, (perItem.get(item[members[m]!]!) ?? 0) + 1);
        for (const [it, k] of perItem) if (k > guard.maxItemShare * itemDocs(it)) reason = 'item-share';
      }
      summary.clusters++;
      summary.pairs += size - 1;
      summary.docsRemoved += size - 1;
      for (let m = 1; m < size; m++) {
        removed.push(members[m]!);
        summary.tokensRemoved += tokens[members[m]!]!;
      }
      if (reason) {
        summary.guarded.clusters++;
        summary.guarded.docs += size;
        summary.guarded.kept++;
      }
      // The records of a run are in (item, pos) order (the sort is stable): its first is the cluster's smallest ref.
      const first: DocRef = { item: item[f]!, pos: pos[f]! };
      offerLargest(summary.largest, listed, size, first, () => {
        const ref = (r: number): DocRef => ({ item: item[r]!, pos: pos[r]! });
        return { docs: size, first, kept: ref(members[0]!), example: ref(members[1]!), ...(reason ? { guard: reason } : {}) };
      });
    }
    from = to;
  }
  removed.sort((a, b) => item[a]! - item[b]! || row[a]! - row[b]!);
  const m = removed.length;
  const out: ExactRemovals = { count: m, item: new Uint32Array(m), row: new Uint32Array(m), tokens: new Uint32Array(m), key: new Float32Array(m) };
  removed.forEach((r, i) => {
    out.item[i] = item[r]!;
    out.row[i] = row[r]!;
    out.tokens[i] = tokens[r]!;
    out.key[i] = key[r]!;
  });
  return { summary, removals: out };
}

/**
 * Keeps `list` the `listed` largest clusters in listing order; `make` builds the candidate only when it would enter
 * (`docs` and `first` decide that without it).
 */
function offerLargest(list: LargestCandidate[], listed: number, docs: number, first: DocRef, make: () => LargestCandidate): void {
  if (listed === 0) return;
  if (list.length === listed && compareListing({ docs, first }, list[listed - 1]!) >= 0) return;
  const c = make();
  let at = list.length;
  while (at > 0 && compareListing(c, list[at - 1]!) < 0) at--;
  list.splice(at, 0, c);
  if (list.length > listed) list.pop();
}
