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

/** S3 requests of the dedup stages: GET (HEAD priced alike, counted with them) and PUT. */
export interface StageRequests {
  gets: number;
  heads: number;
  puts: number;
}

/** What the cluster stage's requests depend on besides the layout (the estimate takes the worst case: every item). */
export interface ClusterFacts {
  /** Items holding a document of a verified pair (their signature files are read: a header and one range each). */
  itemsWithPairs: number;
  /** Items losing a document (a removal list is written for each). */
  itemsWithRemovals: number;
  /** Score files read for the ids of the largest clusters (at most 2 per listed cluster). */
  scoreFiles: number;
}

/** Per call: plan.json and plan/items.json read, the completion marker looked up (HEAD) and written, and each output read back once for its sha256 (lib/runner/markers.ts). */
const CALL = { gets: 2, heads: 1, puts: 1 } as const;

/**
 * The S3 requests a fresh run of the dedup stages makes (lib/pipeline/dedup.ts), by stage:
 * - gather, per group of B items: B band files' versions (HEAD) and bodies (GET), the group file written and read back;
 * - partition, per partition: each group's header and section (GET), the pair file written and read back; MinHash
 *   verification adds reads of colliding documents' signatures: at most a header and a range per item per partition;
 * - clusters, once: every pair file and signature file's version (HEAD), every pair file (GET), a signature header and
 *   range per item holding a paired document, the largest clusters' score files, one removal list per item that loses
 *   a document, the summary written and read back.
 * Exact for exact deduplication when every group holds records of every partition (a test counts a run's requests on
 * an S3 server against it); MinHash's verification reads are an upper bound.
 */
export function shuffleRequests(d: DedupLayoutInput, layout: DedupLayout, items: number, facts: ClusterFacts): { gather: StageRequests; partition: StageRequests; clusters: StageRequests } {
  const { partitions: P, groups: G } = layout;
  if (P === 0) {
    const none = { gets: 0, heads: 0, puts: 0 };
    return { gather: none, partition: { ...none }, clusters: { ...none } };
  }
  const verify = d.kind === 'minhash' ? 2 * items : 0;
  return {
    gather: { gets: G * (CALL.gets + 1) + items, heads: G * CALL.heads + items, puts: G * (CALL.puts + 1) },
    partition: { gets: P * (CALL.gets + 1 + 2 * G + verify), heads: P * CALL.heads, puts: P * (CALL.puts + 1) },
    clusters: {
      gets: CALL.gets + 1 + P + 2 * facts.itemsWithPairs + facts.scoreFiles,
      heads: CALL.heads + P + items,
      puts: CALL.puts + 1 + facts.itemsWithRemovals,
    },
  };
}
