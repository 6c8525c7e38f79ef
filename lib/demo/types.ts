/** Public types of the demo corpus builder. */

/** What a demo document is; recorded per document in `labels.jsonl.gz`. */
export type DemoCategory =
  | 'prose'
  | 'prose-other'
  | 'email-ham'
  | 'email-spam'
  | 'near-duplicate'
  | 'exact-duplicate'
  | 'junk-gibberish'
  | 'junk-boilerplate'
  | 'junk-keyword-spam'
  | 'junk-shuffled'
  | 'junk-code-dump'
  | 'junk-markup';

/** Every category, in a fixed order. */
export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  'prose',
  'prose-other',
  'email-ham',
  'email-spam',
  'near-duplicate',
  'exact-duplicate',
  'junk-gibberish',
  'junk-boilerplate',
  'junk-keyword-spam',
  'junk-shuffled',
  'junk-code-dump',
  'junk-markup',
];

/** A document before it gets its id and shard. */
export interface DemoDraft {
  category: DemoCategory;
  /** Where the text came from, e.g. `brown:ca01#2`, `spam-assassin:spam-2/00042`, `generated`. */
  source: string;
  text: string;
  /** A plausible page address; recorded in `labels.jsonl.gz` only (shards hold just id and text). */
  url: string;
}

/** A document with its id. The shards hold only its `id` and `text`; the other fields go to `labels.jsonl.gz`. */
export interface DemoDoc extends DemoDraft {
  /** `doc-000123`. */
  id: string;
}

/** Options of {@link buildDemoCorpus}. */
export interface DemoCorpusOptions {
  /** Seed of every random choice (default 1). The same seed and scale give byte-identical files. */
  seed?: number;
  /** Multiplies the document count: 1 gives about 20k documents (~35 MB of text); 0.15 about 3k (default 1). */
  scale?: number;
  /**
   * Share of the documents in the generated `junk-*` categories, split equally among them; the other categories keep
   * their relative shares (default: the fixed shares, about 30% junk). Source categories stay capped by what the
   * packages hold.
   */
  junkShare?: number;
}

/** A deliberately bad record planted in the corpus. */
export interface PlantedBadRecord {
  /** Shard name relative to `corpus/`, e.g. `part-0002.jsonl.gz`. */
  file: string;
  /** 1-based line number in the (uncompressed) shard. */
  line: number;
  reason: 'invalid-json' | 'non-string-text' | 'missing-text';
}

/** One shard of the demo corpus. */
export interface DemoShardInfo {
  /** Name relative to `corpus/`. */
  file: string;
  /** Good documents in the shard. */
  docs: number;
  /** Size of the file on disk. */
  fileBytes: number;
}

/** What {@link buildDemoCorpus} built; also written to `<dir>/_COMPLETE.json`. */
export interface DemoCorpusSummary {
  /** Layout version of the demo corpus. */
  version: string;
  seed: number;
  scale: number;
  /** Good documents (bad records excluded). */
  docs: number;
  /** Number of shard files under `corpus/`. */
  shards: number;
  /** UTF-8 bytes of all document texts. */
  bytes: number;
  /** Share of documents in the generated `junk-*` categories (near- and exact duplicates not counted). */
  junkShare: number;
  /** Documents per category. */
  categories: Record<string, number>;
  badRecords: PlantedBadRecord[];
  files: DemoShardInfo[];
  /** UTF-8 bytes of `reference/brown-heldout.txt`. */
  referenceBytes: number;
}
