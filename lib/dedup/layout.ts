/**
 * How the dedup shuffle is cut, from the corpus's stored size: the plan resolves it, `proxysel estimate` prices it (one
 * formula for both). Records per document: one exact hash, plus one band key per band for MinHash; the two levels are
 * sized so that each unit holds a bounded number of them whatever the corpus's size:
 * - a partition (the `dedup` stage's unit) holds the records of one slice of the hash space from every item: one per
 *   PARTITION_STORED_BYTES of stored corpus per record per document (at least 4, at most 65536);
 * - a group (the `dedup-gather` stage's unit) lays the band files of consecutive items out by partition: as many items
 *   as make GROUP_STORED_BYTES of stored corpus per record per document.
 * A partition reads one header and one section per group: the shuffle makes items + 2 x groups x partitions GETs
 * (docs/performance.md, "The dedup shuffle").
 */

/** Stored corpus bytes per partition, per record per document (16 GiB: ~23 million exact records at 750 stored bytes per document). */
export const PARTITION_STORED_BYTES = 16 * 2 ** 30;
/** Stored corpus bytes per gather group, per record per document. */
export const GROUP_STORED_BYTES = 16 * 2 ** 30;
export const MIN_PARTITIONS = 4;
export const MAX_PARTITIONS = 65536;

export interface DedupLayoutInput {
  kind: 'none' | 'exact' | 'minhash';
  /** MinHash bands (ignored unless kind is minhash). */
  bands?: number;
  /** The spec's `dedup.partitions`, when it names them. */
  partitions?: number;
}

export interface DedupLayout {
  partitions: number;
  /** Consecutive work items per gather group (0 without dedup). */
  groupItems: number;
  groups: number;
}

/** Records per document: one exact hash, plus one band key per MinHash band. */
export function recordsPerDoc(d: DedupLayoutInput): number {
  return d.kind === 'minhash' ? 1 + (d.bands ?? 0) : d.kind === 'exact' ? 1 : 0;
}

export function dedupLayout(d: DedupLayoutInput, corpusBytes: number, items: number): DedupLayout {
  if (d.kind === 'none' || items === 0) return { partitions: 0, groupItems: 0, groups: 0 };
  const weighted = corpusBytes * recordsPerDoc(d);
  const partitions = d.partitions ?? Math.min(MAX_PARTITIONS, Math.max(MIN_PARTITIONS, Math.ceil(weighted / PARTITION_STORED_BYTES)));
  const meanItemBytes = Math.max(1, corpusBytes / items);
  const groupItems = Math.max(1, Math.min(items, Math.floor(GROUP_STORED_BYTES / (recordsPerDoc(d) * meanItemBytes))));
  return { partitions, groupItems, groups: Math.ceil(items / groupItems) };
}
