/**
 * How the dedup shuffle is cut, from the corpus's stored size: the plan resolves it, `proxysel estimate` prices it (one
 * formula for both). Records per document: one exact hash, plus one band key per band for MinHash; the two levels are
 * sized so that each unit holds a bounded number of them whatever the corpus's size:
 * - a partition (the `dedup` stage's unit) holds the records of one slice of the hash space from every item: one per
 *   PARTITION_STORED_BYTES of stored corpus per record per document (at least 4, at most 65536);
 * - a group (the `dedup-gather` stage's unit) lays the band files of consecutive items out by partition: as many items
 *   as make GROUP_STORED_BYTES of stored corpus per record per document.
 * A partition reads one header and one section per group, and (exact) each group's removal lists one header and one
 * section per partition: the shuffle makes items + 2 x groups x partitions GETs each way (docs/performance.md, "The
 * dedup shuffle").
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

/** What the later stages' requests depend on besides the layout (the estimate takes the worst case: every item). */
export interface ClusterFacts {
  /** MinHash: items holding a document of a verified pair (the clustering reads a signature header and range of each). */
  itemsWithPairs: number;
  /** Items losing a document (a removal list is written for each). */
  itemsWithRemovals: number;
  /** Score files read for the ids of the largest clusters (at most 2 per listed cluster). */
  scoreFiles: number;
  /**
   * Exact: the (partition, group) sections of the partitions' removal files that hold a removal (each is one range
   * read); absent, every one of the partitions x groups (the estimate's count, the case of a large corpus).
   */
  removalSections?: number;
}

/** Per call: plan.json and plan/items.json read, the completion marker looked up (HEAD) and written, and each output read back once for its sha256 (lib/runner/markers.ts). */
const CALL = { gets: 2, heads: 1, puts: 1 } as const;

/**
 * The S3 requests a fresh run of the dedup stages makes (lib/pipeline/dedup.ts), by stage:
 * - gather, per group of B items: B band files' versions (HEAD) and bodies (GET), the group file written and read back;
 * - partition, per partition: each group's header and section (GET), its output written and read back (exact: the
 *   removals it decided; MinHash: its verified pairs, after reading colliding documents' signatures: at most a header
 *   and a range per item per partition);
 * - removals, per group (exact): each partition's removal-file header and, where it holds one, the group's section;
 *   one removal list per item losing a document, written and read back. MinHash: the plan only (the clustering writes
 *   the lists);
 * - clusters, once: exact looks up and reads a completion marker per partition and per group, reads the largest
 *   clusters' score files,
 *   and writes the summary; MinHash reads every pair file and signature file's version (HEAD), every pair file (GET),
 *   a signature header and range per item holding a paired document, the largest clusters' score files, and writes
 *   one removal list per item that loses a document and the summary.
 * Exact for exact deduplication (a test counts a run's requests on an S3 server against it); MinHash's verification
 * reads are an upper bound.
 */
export function shuffleRequests(
  d: DedupLayoutInput,
  layout: DedupLayout,
  items: number,
  facts: ClusterFacts,
): { gather: StageRequests; partition: StageRequests; removals: StageRequests; clusters: StageRequests } {
  const { partitions: P, groups: G } = layout;
  if (P === 0) {
    const none = { gets: 0, heads: 0, puts: 0 };
    return { gather: none, partition: { ...none }, removals: { ...none }, clusters: { ...none } };
  }
  const gather = { gets: G * (CALL.gets + 1) + items, heads: G * CALL.heads + items, puts: G * (CALL.puts + 1) };
  if (d.kind === 'exact') {
    const sections = facts.removalSections ?? G * P;
    return {
      gather,
      partition: { gets: P * (CALL.gets + 1 + 2 * G), heads: P * CALL.heads, puts: P * (CALL.puts + 1) },
      removals: { gets: G * (CALL.gets + P) + sections + facts.itemsWithRemovals, heads: G * CALL.heads, puts: G * CALL.puts + facts.itemsWithRemovals },
      // A completion marker is looked up (HEAD) and read (GET).
      clusters: { gets: CALL.gets + P + G + facts.scoreFiles + 1, heads: CALL.heads + P + G, puts: CALL.puts + 1 },
    };
  }
  const verify = 2 * items;
  return {
    gather,
    partition: { gets: P * (CALL.gets + 1 + 2 * G + verify), heads: P * CALL.heads, puts: P * (CALL.puts + 1) },
    removals: { gets: G, heads: G * CALL.heads, puts: G * CALL.puts },
    clusters: {
      gets: CALL.gets + 1 + P + 2 * facts.itemsWithPairs + facts.scoreFiles,
      heads: CALL.heads + P + items,
      puts: CALL.puts + 1 + facts.itemsWithRemovals,
    },
  };
}
