import { compareRefs, refOfKey } from './doc-ref.ts';
import type { PairList } from './edge-file.ts';
import type { SignatureTable } from './signature-table.ts';
import type { ClusterGuard, DocRef } from './types.ts';
import { UnionFind } from './union-find.ts';

/** A removed document and the kept document it duplicates. */
export interface Removal {
  ref: DocRef;
  keptBy: DocRef;
  /** Estimated Jaccard to `keptBy` (1 for an exact copy); below the threshold only via a trusted chain. */
  jaccard: number;
}

/** One connected component of verified pairs, and what was kept and removed from it. */
export interface Cluster {
  /** Every document of the component, best first (the keep order). */
  members: DocRef[];
  /** Kept documents: one, or for a guarded component one per group verified around a representative. */
  kept: DocRef[];
  removed: Removal[];
  tokensRemoved: number;
  /** Why the component was verified pairwise instead of trusted transitively (absent when it was not). */
  guard?: 'size' | 'item-share';
}

/**
 * The keep order of two documents of `docs` (by slot): the higher policy key first (an excluded document, key null,
 * last), then the lower tie hash, then (item, pos), which a ref key orders. So each cluster keeps the copy the policy
 * ranks best, deterministically.
 */
export function compareKeepOrder(docs: SignatureTable, i: number, j: number): number {
  const a = docs.key(i);
  const b = docs.key(j);
  if (a !== b) {
    if (a === null) return 1;
    if (b === null) return -1;
    return b - a;
  }
  return docs.tie(i) - docs.tie(j) || docs.ref(i) - docs.ref(j);
}

function similarity(docs: SignatureTable, i: number, j: number): number {
  return docs.sameText(i, j) ? 1 : docs.jaccard(i, j);
}

/**
 * Groups verified pairs into clusters by union-find and decides what each keeps.
 *
 * A component of at most `maxClusterSize` documents whose removal takes at most `maxItemShare` of every work item's
 * documents is trusted transitively: its best document is kept, the others removed (a chain inside such a component is
 * at most maxClusterSize - 1 verified pairs long). Any other component is guarded: it is reported, and verified pairwise
 * in keep order against representatives: a document is removed only when its estimated Jaccard to an already kept
 * representative reaches the threshold (or its text is an exact copy); otherwise it becomes a representative itself
 * and is kept. A chain of near pairs can so never make two groups that are not near each other one cluster: each
 * removed document is near the document kept in its stead.
 *
 * Memory: the pairs' two columns, a map entry and a few integers per paired document, and `docs` (flat arrays): no
 * object per pair or per document but the clusters' own refs.
 *
 * @param docs every document named by a pair (throws when one is missing)
 * @param itemDocs documents per work item (by item index), for the item-share guard
 */
export function resolveClusters(pairs: PairList, docs: SignatureTable, itemDocs: readonly number[], guard: ClusterGuard): Cluster[] {
  // Dense ids for the paired documents, in order of first appearance; slotOf maps an id to its row in `docs`.
  const ids = new Map<number, number>();
  const slots: number[] = [];
  const idOf = (ref: number) => {
    let id = ids.get(ref);
    if (id === undefined) {
      const slot = docs.slot(ref);
      if (slot < 0) {
        const r = refOfKey(ref);
        throw new Error(`dedup: no signature record for item ${r.item} position ${r.pos}`);
      }
      id = slots.length;
      ids.set(ref, id);
      slots.push(slot);
    }
    return id;
  };
  const ends = new Int32Array(2 * pairs.count);
  for (let i = 0; i < pairs.count; i++) {
    ends[2 * i] = idOf(pairs.a[i]!);
    ends[2 * i + 1] = idOf(pairs.b[i]!);
  }
  const n = slots.length;
  const uf = new UnionFind(n);
  for (let i = 0; i < ends.length; i += 2) uf.union(ends[i]!, ends[i + 1]!);

  // Members by component: a counting sort of the ids by root.
  const root = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let id = 0; id < n; id++) start[(root[id] = uf.find(id)) + 1]!++;
  for (let r = 0; r < n; r++) start[r + 1]! += start[r]!;
  const fill = start.slice(0, n);
  const byRoot = new Int32Array(n);
  for (let id = 0; id < n; id++) byRoot[fill[root[id]!]!++] = slots[id]!;

  const refOf = (slot: number) => refOfKey(docs.ref(slot));
  const clusters: Cluster[] = [];
  for (let r = 0; r < n; r++) {
    if (start[r + 1] === start[r]) continue;
    const members = Array.from(byRoot.subarray(start[r]!, start[r + 1]!)).sort((i, j) => compareKeepOrder(docs, i, j));
    const best = members[0]!;
    let reason: Cluster['guard'];
    if (members.length > guard.maxClusterSize) reason = 'size';
    else {
      const perItem = new Map<number, number>();
      for (const d of members.slice(1)) {
        const item = refOf(d).item;
        perItem.set(item, (perItem.get(item) ?? 0) + 1);
      }
      for (const [item, k] of perItem) if (k > guard.maxItemShare * (itemDocs[item] ?? 0)) reason = 'item-share';
    }
    const removed: Removal[] = [];
    const kept: number[] = [best];
    let tokensRemoved = 0;
    for (const d of members.slice(1)) {
      let by: number | undefined;
      let j = 0;
      if (reason === undefined) {
        by = best;
        j = similarity(docs, d, best);
      } else {
        for (const rep of kept) {
          const s = similarity(docs, d, rep);
          if (s >= guard.threshold) {
            by = rep;
            j = s;
            break;
          }
        }
      }
      if (by !== undefined) {
        removed.push({ ref: refOf(d), keptBy: refOf(by), jaccard: j });
        tokensRemoved += docs.tokens(d);
      } else kept.push(d);
    }
    clusters.push({
      members: members.map(refOf),
      kept: kept.map(refOf),
      removed,
      tokensRemoved,
      ...(reason ? { guard: reason } : {}),
    });
  }
  // Largest first, then by first member: the order the report lists them in.
  const first = (c: Cluster) => c.members.reduce((m, r) => (compareRefs(r, m) < 0 ? r : m));
  return clusters.sort((a, b) => b.members.length - a.members.length || compareRefs(first(a), first(b)));
}
