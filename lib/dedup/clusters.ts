import { compareRefs, refKey } from './doc-ref.ts';
import { estimateJaccard } from './signature.ts';
import type { ClusterGuard, DocInfo, DocRef, DuplicateEdge } from './types.ts';
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
 * The keep order: the higher policy key first (an excluded document, key null, last), then the lower tie hash, then
 * (item, pos). So each cluster keeps the copy the policy ranks best, deterministically.
 */
export function compareKeepOrder(a: DocInfo, b: DocInfo): number {
  if (a.key !== b.key) {
    if (a.key === null) return 1;
    if (b.key === null) return -1;
    return b.key - a.key;
  }
  return a.tie - b.tie || compareRefs(a.ref, b.ref);
}

function similarity(a: DocInfo, b: DocInfo): number {
  if (a.exact[0] === b.exact[0] && a.exact[1] === b.exact[1]) return 1;
  return a.signature.length > 0 ? estimateJaccard(a.signature, b.signature) : 0;
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
 * @param infoOf every document named by an edge (throws when one is missing)
 * @param itemDocs documents per work item (by item index), for the item-share guard
 */
export function resolveClusters(
  edges: readonly DuplicateEdge[],
  infoOf: (ref: DocRef) => DocInfo | undefined,
  itemDocs: readonly number[],
  guard: ClusterGuard,
): Cluster[] {
  const ids = new Map<number, number>();
  const refs: DocRef[] = [];
  const idOf = (r: DocRef) => {
    const k = refKey(r.item, r.pos);
    let id = ids.get(k);
    if (id === undefined) {
      id = refs.length;
      ids.set(k, id);
      refs.push(r);
    }
    return id;
  };
  const pairs = edges.map((e) => [idOf(e.a), idOf(e.b)] as const);
  const uf = new UnionFind(refs.length);
  for (const [a, b] of pairs) uf.union(a, b);

  const byRoot = new Map<number, DocInfo[]>();
  for (let id = 0; id < refs.length; id++) {
    const info = infoOf(refs[id]!);
    if (!info) throw new Error(`dedup: no signature record for item ${refs[id]!.item} position ${refs[id]!.pos}`);
    const root = uf.find(id);
    const list = byRoot.get(root);
    if (list) list.push(info);
    else byRoot.set(root, [info]);
  }

  const clusters: Cluster[] = [];
  for (const infos of byRoot.values()) {
    infos.sort(compareKeepOrder);
    const best = infos[0]!;
    let reason: Cluster['guard'];
    if (infos.length > guard.maxClusterSize) reason = 'size';
    else {
      const perItem = new Map<number, number>();
      for (const d of infos.slice(1)) perItem.set(d.ref.item, (perItem.get(d.ref.item) ?? 0) + 1);
      for (const [item, n] of perItem) if (n > guard.maxItemShare * (itemDocs[item] ?? 0)) reason = 'item-share';
    }
    const removed: Removal[] = [];
    const kept: DocInfo[] = [best];
    let tokensRemoved = 0;
    for (const d of infos.slice(1)) {
      let by: DocInfo | undefined;
      let j = 0;
      if (reason === undefined) {
        by = best;
        j = similarity(d, best);
      } else {
        for (const rep of kept) {
          const s = similarity(d, rep);
          if (s >= guard.threshold) {
            by = rep;
            j = s;
            break;
          }
        }
      }
      if (by) {
        removed.push({ ref: d.ref, keptBy: by.ref, jaccard: j });
        tokensRemoved += d.tokens;
      } else kept.push(d);
    }
    clusters.push({
      members: infos.map((d) => d.ref),
      kept: kept.map((d) => d.ref),
      removed,
      tokensRemoved,
      ...(reason ? { guard: reason } : {}),
    });
  }
  // Largest first, then by first member: the order the report lists them in.
  const first = (c: Cluster) => c.members.reduce((m, r) => (compareRefs(r, m) < 0 ? r : m));
  return clusters.sort((a, b) => b.members.length - a.members.length || compareRefs(first(a), first(b)));
}
