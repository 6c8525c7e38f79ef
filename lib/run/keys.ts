/**
 * Keys of every artifact of a run, relative to the job's output prefix. One place, so stages, the manifest, the
 * report and the cloud stack (lifecycle rules on intermediate prefixes) agree.
 */
export const artifactKeys = {
  plan: 'plan.json',
  items: 'plan/items.json',
  /** Content hashes of local shards and the file stats they were taken at (pipeline/content-versions.ts). */
  contentCache: 'plan/content.json',
  samplePart: (item: string) => `sample/part-${item}.jsonl.gz`,
  sample: 'sample/sample.jsonl.gz',
  sampleStats: 'sample/stats.json',
  referencePart: (index: number) => `reference/part-${String(index).padStart(5, '0')}.jsonl.gz`,
  labels: 'reference/labels.jsonl.gz',
  referenceStats: 'reference/stats.json',
  model: 'proxy/model.onnx',
  card: 'proxy/card.json',
  heldOut: 'proxy/held-out.json',
  scores: (item: string) => `scores/${item}.parquet`,
  histogram: (item: string) => `scores/${item}.hist.json`,
  /** Per document: normalized-text hash, MinHash signature, policy key, tokens (fixed-size records). */
  signatures: (item: string) => `scores/${item}.dedup`,
  /** LSH band keys and exact hashes, laid out by dedup partition. */
  bands: (item: string) => `scores/${item}.bands`,
  dedupPartitions: 'plan/dedup-partitions.json',
  /** The gather groups `{ group }` (the DedupGatherMap's ItemReader). */
  dedupGroups: 'plan/dedup-groups.json',
  /** A group of consecutive items' band files laid out by partition (the shuffle's first level). */
  dedupGroup: (group: number) => `dedup/groups/g-${String(group).padStart(5, '0')}.bin`,
  /** The shuffle's top-level units `{ merge }` (the DedupMergeMap's and DedupRemovalsMap's ItemReader). */
  dedupMerges: 'plan/dedup-merges.json',
  /** Consecutive group files merged into one, in the group files' format (the shuffle's second level, when the plan merges). */
  dedupMerged: (merge: number) => `dedup/merged/m-${String(merge).padStart(5, '0')}.bin`,
  dedupPairs: (partition: number) => `dedup/pairs/p-${String(partition).padStart(5, '0')}.bin`,
  /** Exact deduplication: the copies a partition removes, laid out by the shuffle's top-level unit (merged group, or gather group without a merge). */
  dedupRemovals: (partition: number) => `dedup/removals/p-${String(partition).padStart(5, '0')}.bin`,
  dedupRemoved: (item: string) => `dedup/removed/${item}.json`,
  dedupSummary: 'dedup/summary.json',
  estimate: 'budget/estimate.json',
  counts: (item: string) => `budget/counts/${item}.json`,
  countedTokens: (item: string) => `budget/counts/${item}.tokens.json`,
  threshold: 'threshold.json',
  selected: (item: string, format: 'jsonl.gz' | 'parquet' = 'jsonl.gz') => `selected/${item}.${format}`,
  selectedRows: (item: string) => `selected/${item}.rows.json`,
  selectedStats: (item: string) => `selected/${item}.json`,
  manifest: 'manifest.json',
  run: 'run.json',
  report: 'report.html',
  success: '_SUCCESS',
  failed: '_FAILED',
  /** The run lock (run-lock.ts): who is writing this output now; removed when that run or select ends. */
  lock: '_LOCK',
} as const;

/** Prefixes under which some artifacts are intermediate (see INTERMEDIATE_KEY for which may expire). */
export const intermediatePrefixes = ['sample/', 'reference/', 'scores/', 'dedup/', 'plan/', 'budget/'] as const;

/** Object tag marking an intermediate artifact; the stack's lifecycle rule expires objects carrying it. */
export const INTERMEDIATE_TAG = { key: 'proxysel:artifact', value: 'intermediate' } as const;

/**
 * The artifact keys (as written under an output prefix) that may expire once a run has finished: what only a running
 * job needs (the sample and its parts, the reference's parts, the dedup stage's inputs, pairs and partitions' removals, the budget's estimate
 * and exact counts, which a new selection recounts). What `proxysel select` and a join by id need is kept as long as
 * the run: the labels, the score files and histograms, the work-item list, the dedup removals and summary, and the
 * completion markers that vouch for them. Matched on the end of the URI, so an output prefix that happens to contain
 * `plan/` or `scores/` never marks a manifest or a selection.
 */
const INTERMEDIATE_KEY = new RegExp(
  [
    String.raw`/sample/(part-[A-Za-z0-9._-]+\.jsonl\.gz|sample\.jsonl\.gz|stats\.json)`,
    String.raw`/reference/(part-\d+\.jsonl\.gz|stats\.json)`,
    String.raw`/scores/[A-Za-z0-9._-]+\.(dedup|bands)`,
    String.raw`/dedup/(pairs|removals)/p-\d+\.bin`,
    String.raw`/dedup/groups/g-\d+\.bin`,
    String.raw`/dedup/merged/m-\d+\.bin`,
    String.raw`/budget/(estimate\.json|counts/[A-Za-z0-9._-]+\.json)`,
  ]
    .map((p) => `(?:${p})`)
    .join('|') + '$',
);

/** Tags for a written URI: {@link INTERMEDIATE_TAG} for intermediate artifacts, none otherwise (a store's tagsFor). */
export function intermediateArtifactTags(uri: string): Record<string, string> | undefined {
  return INTERMEDIATE_KEY.test(uri) ? { [INTERMEDIATE_TAG.key]: INTERMEDIATE_TAG.value } : undefined;
}
