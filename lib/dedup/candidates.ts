import { radixOrder, type PartitionRecords } from './partition-records.ts';
import { refKey, refOfKey } from './doc-ref.ts';
import type { SignatureTable } from './signature-table.ts';
import type { DuplicateEdge } from './types.ts';

export interface PairFinderOptions {
  /** Estimated Jaccard at or above which a band collision is a near-duplicate pair. */
  threshold: number;
  /**
   * Most pivots tried in one band bucket: a bucket of many unrelated documents (a false collision, or a template) costs
   * at most maxPivots x size comparisons. Documents left unverified may still pair through another band.
   */
  maxPivots: number;
}

export interface PairFinderStats {
  /** Band buckets (equal keys) holding two or more documents. */
  bandBuckets: number;
  /** Signature comparisons made. */
  comparisons: number;
  /** Buckets where maxPivots stopped the verification early. */
  truncatedBuckets: number;
  /** Groups of equal normalized-text hash with two or more documents. */
  exactGroups: number;
}

/** The ref keys of every document that shares a band key with another one: the signatures verification will read. */
export function collidingDocs(records: PartitionRecords): number[] {
  const order = bandOrder(records);
  const out = new Set<number>();
  forEachRun(records, order, (from, to) => {
    for (let i = from; i < to; i++) out.add(refKey(records.bandItem[order[i]!]!, records.bandPos[order[i]!]!));
  });
  return [...out].sort((a, b) => a - b);
}

/** Band records in (key, item, pos) order (records arrive in (item, pos) order; the sort is stable). */
function bandOrder(r: PartitionRecords): Uint32Array {
  return radixOrder(null, r.bandKey, r.bands);
}

/** Calls `fn(from, to)` for each run of two or more equal band keys in `order`. */
function forEachRun(r: PartitionRecords, order: Uint32Array, fn: (from: number, to: number) => void): void {
  let from = 0;
  for (let i = 1; i <= order.length; i++) {
    if (i === order.length || r.bandKey[order[i]!] !== r.bandKey[order[from]!]) {
      if (i - from >= 2) fn(from, i);
      from = i;
    }
  }
}

/**
 * Edges collected once per pair, whatever the number of bands they share; the first one added for a pair is kept. The
 * exact pass adds each pair once (every document of a group is linked to the group's first), so its pairs go to a flat
 * list (`addUnique`); only the band pass, where one pair can meet in several buckets, pays for a map keyed by pair.
 */
class EdgeSet {
  private readonly unique: { lo: number; hi: number; jaccard: number }[] = [];
  private readonly byPair = new Map<string, { lo: number; hi: number; jaccard: number }>();
  addUnique(x: number, y: number, jaccard: number): void {
    this.unique.push(x < y ? { lo: x, hi: y, jaccard } : { lo: y, hi: x, jaccard });
  }
  add(x: number, y: number, jaccard: number): void {
    const [lo, hi] = x < y ? [x, y] : [y, x];
    const id = `${lo}:${hi}`;
    if (!this.byPair.has(id)) this.byPair.set(id, { lo, hi, jaccard });
  }
  /** Every pair once, by (a, b): a ref key orders as (item, pos). */
  sorted(): DuplicateEdge[] {
    // The flat list first (it was added first), so a stable sort keeps its copy of a pair both passes found.
    const all = this.unique.concat([...this.byPair.values()]).sort((e, f) => e.lo - f.lo || e.hi - f.hi);
    const out: DuplicateEdge[] = [];
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!;
      if (i > 0 && all[i - 1]!.lo === e.lo && all[i - 1]!.hi === e.hi) continue;
      out.push({ a: refOfKey(e.lo), b: refOfKey(e.hi), jaccard: e.jaccard });
    }
    return out;
  }
}

/**
 * Finds one partition's duplicate pairs.
 * - Exact: documents of equal normalized-text hash are linked to the group's first document (Jaccard 1).
 * - Near: documents sharing a band key are candidates; within a bucket, documents of equal exact hash count once (the
 *   exact pass links the copies), and the rest are verified against pivots: the first unassigned document becomes a pivot, every unassigned document whose
 *   estimated Jaccard to it reaches the threshold is linked to it, and so on. So every edge is a verified pair, and a
 *   bucket of n near-copies costs n - 1 comparisons, not n^2 / 2.
 * Deterministic: the result depends only on the records' contents, not their order.
 */
export function findDuplicatePairs(
  records: PartitionRecords,
  sigs: SignatureTable,
  options: PairFinderOptions,
): { edges: DuplicateEdge[]; stats: PairFinderStats } {
  const stats: PairFinderStats = { bandBuckets: 0, comparisons: 0, truncatedBuckets: 0, exactGroups: 0 };
  const edges = new EdgeSet();

  const ne = records.exacts;
  // (hash, item, pos) order: records arrive in (item, pos) order and the sort is stable.
  const exactOrder = radixOrder(records.exactHi, records.exactLo, ne);
  for (let from = 0; from < ne; ) {
    let to = from + 1;
    const f = exactOrder[from]!;
    while (to < ne && records.exactHi[exactOrder[to]!] === records.exactHi[f] && records.exactLo[exactOrder[to]!] === records.exactLo[f]) to++;
    if (to - from >= 2) {
      stats.exactGroups++;
      const first = refKey(records.exactItem[f]!, records.exactPos[f]!);
      for (let i = from + 1; i < to; i++) edges.addUnique(first, refKey(records.exactItem[exactOrder[i]!]!, records.exactPos[exactOrder[i]!]!), 1);
    }
    from = to;
  }

  const order = bandOrder(records);
  forEachRun(records, order, (from, to) => {
    // Distinct documents of the bucket in (item, pos) order (order is sorted by key, item, pos).
    const docs: number[] = [];
    for (let i = from; i < to; i++) {
      const k = refKey(records.bandItem[order[i]!]!, records.bandPos[order[i]!]!);
      if (docs[docs.length - 1] !== k) docs.push(k);
    }
    if (docs.length < 2) return;
    stats.bandBuckets++;
    // One leader per exact hash. Its exact copies need no edge here: every document has an exact record, and the
    // exact pass of the partition its hash falls in links every copy of a text (the components are the same).
    const leaders: { key: number; slot: number }[] = [];
    const leaderOf = new Map<number, number>(); // a 53-bit prefix of the exact hash -> index in leaders
    for (const k of docs) {
      const slot = sigs.slot(k);
      if (slot < 0 || !sigs.hasWords(slot)) continue;
      const prefix = sigs.exactPrefix(slot);
      const at = leaderOf.get(prefix);
      // The same prefix is the same text unless the rest of the hash differs: then look among the leaders.
      if (at !== undefined && (sigs.sameText(leaders[at]!.slot, slot) || leaders.some((l) => sigs.sameText(l.slot, slot)))) continue;
      if (at === undefined) leaderOf.set(prefix, leaders.length);
      leaders.push({ key: k, slot });
    }
    const assigned = new Uint8Array(leaders.length);
    let pivots = 0;
    for (let p = 0; p < leaders.length; p++) {
      if (assigned[p]) continue;
      if (pivots === options.maxPivots) {
        stats.truncatedBuckets++;
        break;
      }
      pivots++;
      assigned[p] = 1;
      const pivot = leaders[p]!;
      for (let q = p + 1; q < leaders.length; q++) {
        if (assigned[q]) continue;
        stats.comparisons++;
        const j = sigs.jaccard(pivot.slot, leaders[q]!.slot);
        if (j >= options.threshold) {
          assigned[q] = 1;
          edges.add(pivot.key, leaders[q]!.key, j);
        }
      }
    }
  });
  return { edges: edges.sorted(), stats };
}
