/**
 * How the dedup shuffle is cut, from the corpus's stored size: the plan resolves it, `proxysel estimate` prices it (one
 * formula for both). Records per document: one exact hash, plus one band key per band for MinHash; the two levels are
 * sized so that each unit holds a bounded number of them whatever the corpus's size:
 * - a partition (the `dedup` stage's unit) holds the records of one slice of the hash space from every item: one per
 *   PARTITION_STORED_BYTES of stored corpus per record per document (at least 4, at most 65536);
 * - a group (the `dedup-gather` stage's unit) lays the band files of consecutive items out by partition: as many items
 *   as make GROUP_STORED_BYTES of stored corpus per record per document.
 * - a merged group (the `dedup-merge` stage's unit) concatenates M consecutive group files section by section into one
 *   file of the same format: M is capped by MERGE_STORED_BYTES of stored corpus per record per document and by
 *   MAX_MERGE_FAN_IN streams; when the partitions are too few for the requests saved to pay for the merge (under
 *   MIN_MERGE_PARTITIONS), G is small (at most MIN_MERGE_GROUPS) or merging would not reduce it, M = 1 and there is
 *   no merge. The merged groups (or, without a merge, the groups) are the shuffle's top level: G' = ceil(G / M).
 * A partition reads one header and one section per top-level file, and (exact) each top-level unit's removal lists
 * one header and one section per partition: the shuffle makes items + 2 x G (merge) + 2 x G' x partitions GETs there,
 * and 2 x G' x partitions back (docs/performance.md, "The dedup shuffle").
 */

/** Stored corpus bytes per partition, per record per document (16 GiB: ~23 million exact records at 750 stored bytes per document). */
export const PARTITION_STORED_BYTES = 16 * 2 ** 30;
/** Stored corpus bytes per gather group, per record per document. */
export const GROUP_STORED_BYTES = 16 * 2 ** 30;
/**
 * Stored corpus bytes per merged group, per record per document: 16 gather groups. Merging divides the shuffle's
 * G x P requests by M = 16 while a merge call streams 16 x (a group file: ~730 MB for exact at 750 stored bytes per
 * document) = ~11.7 GB in, the same out, and the same again when the runner reads its output back for its digest: about
 * 35 GB per call, which a 900 s Lambda moves at 40 MB/s. A partition reads the same bytes either way.
 */
export const MERGE_STORED_BYTES = 16 * GROUP_STORED_BYTES;
/** At most this many inputs stream at once into one merged file (the S3 client's 50 sockets hold them and the upload's parts). */
export const MAX_MERGE_FAN_IN = 32;
/** No merge when there are at most this many groups: the G x P requests are then few. */
export const MIN_MERGE_GROUPS = 16;
/**
 * No merge under this many partitions. Merging a group saves about 4 x P x (1 - 1/M) GETs (a header and a range each
 * way per partition: $0.0016 per 1,000 partitions at $0.0004 per 1,000 GETs) and costs its bytes streamed three times
 * (in, out, read back for the digest) plus the multipart upload's PUTs: for exact deduplication's 730 MB group file
 * about $0.0011 at 80 MB/s on a 2 GB Lambda (lib/cost/estimate.ts). The break-even is about 700 partitions (10 TB of
 * exact deduplication has 583; MinHash's group files are smaller per group and its partitions 15 times as many).
 */
export const MIN_MERGE_PARTITIONS = 1024;
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
  /** Consecutive group files per merged group (1: no merge). */
  mergeGroups: number;
  /** The shuffle's top-level units: ceil(groups / mergeGroups) (merged groups, or the groups without a merge). */
  merges: number;
}

/** Records per document: one exact hash, plus one band key per MinHash band. */
export function recordsPerDoc(d: DedupLayoutInput): number {
  return d.kind === 'minhash' ? 1 + (d.bands ?? 0) : d.kind === 'exact' ? 1 : 0;
}

export function dedupLayout(d: DedupLayoutInput, corpusBytes: number, items: number): DedupLayout {
  if (d.kind === 'none' || items === 0) return { partitions: 0, groupItems: 0, groups: 0, mergeGroups: 0, merges: 0 };
  const weighted = corpusBytes * recordsPerDoc(d);
  const partitions = d.partitions ?? Math.min(MAX_PARTITIONS, Math.max(MIN_PARTITIONS, Math.ceil(weighted / PARTITION_STORED_BYTES)));
  const meanItemBytes = Math.max(1, corpusBytes / items);
  const groupItems = Math.max(1, Math.min(items, Math.floor(GROUP_STORED_BYTES / (recordsPerDoc(d) * meanItemBytes))));
  const groups = Math.ceil(items / groupItems);
  const mergeGroups = mergeGroupsFor(groups, partitions, groupItems * meanItemBytes * recordsPerDoc(d));
  return { partitions, groupItems, groups, mergeGroups, merges: Math.ceil(groups / mergeGroups) };
}

/**
 * M: consecutive group files per merged group, for `groups` groups of `groupWeighted` stored bytes x records per
 * document each and `partitions` partitions.
 */
export function mergeGroupsFor(groups: number, partitions: number, groupWeighted: number): number {
  if (groups <= MIN_MERGE_GROUPS || partitions < MIN_MERGE_PARTITIONS) return 1;
  const m = Math.min(MAX_MERGE_FAN_IN, groups, Math.floor(MERGE_STORED_BYTES / Math.max(1, groupWeighted)));
  return m >= 2 && Math.ceil(groups / m) < groups ? m : 1;
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
  /** Bytes of one merged file (its PUTs: one under the multipart part size, else the upload's); absent, under it. */
  mergedFileBytes?: number;
}

/** Per call: plan.json and plan/items.json read, the completion marker looked up (HEAD) and written, and each output read back once for its sha256 (lib/runner/markers.ts). */
const CALL = { gets: 2, heads: 1, puts: 1 } as const;

/** The S3 store's multipart part size (lib/store/s3.ts): a streamed object under it is one PutObject. */
export const STREAM_PART_BYTES = 16 * 2 ** 20;

/**
 * PUT-priced requests of one streamed write of `bytes`: one PutObject under the part size, else
 * CreateMultipartUpload, one UploadPart per part and CompleteMultipartUpload.
 */
export function streamedPuts(bytes: number): number {
  return bytes < STREAM_PART_BYTES ? 1 : Math.ceil(bytes / STREAM_PART_BYTES) + 2;
}

/**
 * The S3 requests a fresh run of the dedup stages makes (lib/pipeline/dedup.ts), by stage; G groups, M groups per
 * merged group, G' = ceil(G / M) top-level units (merged groups, or the groups when M = 1), P partitions:
 * - gather, per group of B items: B band files' versions (HEAD) and bodies (GET), the group file written and read back;
 * - merge (only when M > 1), per merged group of m group files: each input's header (GET) and body (one streamed GET),
 *   the merged file streamed out (one PUT, or a multipart upload's when it is over the part size: `mergedFileBytes`)
 *   and read back;
 * - partition, per partition: each top-level file's header and section (GET), its output written and read back
 *   (exact: the removals it decided; MinHash: its verified pairs, after reading colliding documents' signatures: at
 *   most a header and a range per item per partition);
 * - removals, per top-level unit (exact): each partition's removal-file header and, where it holds one, the unit's
 *   section; one removal list per item losing a document, written and read back. MinHash: the plan only (the
 *   clustering writes the lists);
 * - clusters, once: exact looks up and reads a completion marker per partition and per top-level unit, reads the
 *   largest clusters' score files, and writes the summary; MinHash reads every pair file and signature file's version
 *   (HEAD), every pair file (GET), a signature header and range per item holding a paired document, the largest
 *   clusters' score files, and writes one removal list per item that loses a document and the summary.
 * Exact for exact deduplication (a test counts a run's requests on an S3 server against it); MinHash's verification
 * reads are an upper bound.
 */
export function shuffleRequests(
  d: DedupLayoutInput,
  layout: Pick<DedupLayout, 'partitions' | 'groups' | 'mergeGroups' | 'merges'>,
  items: number,
  facts: ClusterFacts,
): { gather: StageRequests; merge: StageRequests; partition: StageRequests; removals: StageRequests; clusters: StageRequests } {
  const { partitions: P, groups: G, merges: top } = layout;
  if (P === 0) {
    const none = { gets: 0, heads: 0, puts: 0 };
    return { gather: none, merge: { ...none }, partition: { ...none }, removals: { ...none }, clusters: { ...none } };
  }
  const gather = { gets: G * (CALL.gets + 1) + items, heads: G * CALL.heads + items, puts: G * (CALL.puts + 1) };
  const M = layout.mergeGroups > 1 ? layout.merges : 0;
  const merge = { gets: M * (CALL.gets + 1) + (M > 0 ? 2 * G : 0), heads: M * CALL.heads, puts: M * (CALL.puts + streamedPuts(facts.mergedFileBytes ?? 0)) };
  if (d.kind === 'exact') {
    const sections = facts.removalSections ?? top * P;
    return {
      gather,
      merge,
      partition: { gets: P * (CALL.gets + 1 + 2 * top), heads: P * CALL.heads, puts: P * (CALL.puts + 1) },
      removals: { gets: top * (CALL.gets + P) + sections + facts.itemsWithRemovals, heads: top * CALL.heads, puts: top * CALL.puts + facts.itemsWithRemovals },
      // A completion marker is looked up (HEAD) and read (GET).
      clusters: { gets: CALL.gets + P + top + facts.scoreFiles + 1, heads: CALL.heads + P + top, puts: CALL.puts + 1 },
    };
  }
  const verify = 2 * items;
  return {
    gather,
    merge,
    partition: { gets: P * (CALL.gets + 1 + 2 * top + verify), heads: P * CALL.heads, puts: P * (CALL.puts + 1) },
    removals: { gets: top, heads: top * CALL.heads, puts: top * CALL.puts },
    clusters: {
      gets: CALL.gets + 1 + P + 2 * facts.itemsWithPairs + facts.scoreFiles,
      heads: CALL.heads + P + items,
      puts: CALL.puts + 1 + facts.itemsWithRemovals,
    },
  };
}
