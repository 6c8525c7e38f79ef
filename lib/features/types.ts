import type { z } from 'zod';
import type { RuleTokens } from '../rules/index.ts';
import type { featureConfigSchema } from './schema.ts';

/** The featurizer's configuration (see featureConfigSchema). */
export type FeatureConfig = z.output<typeof featureConfigSchema>;

/**
 * Documents tokenised once: per document the base hashes of its unigrams and bigrams in text order, each distinct
 * unigram once (at its first occurrence, with its count), each bigram with count 1; and the standardised dense
 * statistics. Member-specific bucket ids are derived from the base hashes when packing.
 */
export interface AnalyzedBatch {
  /** Number of documents. */
  readonly n: number;
  /** Base hashes of all documents, concatenated (a view into the featurizer's buffer: valid until its next analyze). */
  readonly hashes: Int32Array;
  /** How many times each hash occurs in its document (same length as hashes; a view, like hashes). */
  readonly counts: Int32Array;
  /** Document i's hashes are hashes[offsets[i] .. offsets[i+1]); length n+1. */
  readonly offsets: Int32Array;
  /** Per-document pooling scale: 1 / (words used), 0 for a document without words. */
  readonly scale: Float32Array;
  /** Standardised dense statistics, row-major [n, D]. */
  readonly dense: Float32Array;
  /**
   * Whitespace-separated words per document, over the whole text (not capped at maxWords): what a length filter
   * counts, measured in the same pass so callers need not walk the texts again. Whitespace-separated runs (ASCII and Unicode spaces).
   */
  readonly spaceWords: Int32Array;
  /**
   * The token-count statistics (docStats, DOC_STAT_NAMES order) per document, row-major
   * [n, DOC_STAT_COUNT], measured in the same scan: what the score stage's token estimate reads.
   */
  readonly tokenStats: Float64Array;
  /**
   * Deduplication's normalized-text hash of each document (two unsigned 32-bit halves at 2i and 2i + 1, what lib/dedup's
   * MinHasher calls `exact`), measured in the same scan.
   */
  readonly textHashes: Uint32Array;
  /**
   * When analyze() was asked for them (`wordHashes: true`): the hash of every word of every document in text order, not
   * capped at maxWords (the documents concatenated, tokenStats' word count of them each): the word hashes lib/dedup's
   * MinHasher shingles. A view, like hashes.
   */
  readonly wordHashes?: Int32Array;
  /**
   * When analyze() was asked for them (`ruleTokens: true`): the texts and the quality rules' tokens, written in the same
   * scan (what lib/rules evaluateRulesTokens walks instead of the texts' characters). Views, valid until the next
   * analyze().
   */
  readonly ruleTokens?: RuleTokens;
}

/**
 * The tensors of the proxy graph for a batch of documents (views into buffers the featurizer reuses), without padding
 * to a common length: the batch's hashed n-grams flattened into W columns in blocks of COLUMN_BLOCK (32) columns,
 * document r owning columns offsets[r] .. offsets[r+1]. Each document starts a block: its n-grams come first, the
 * rest of its last block is padding (the padding id, count 0), and one whole padding block closes the batch. So every
 * offset is a multiple of the block, W = offsets[N] + COLUMN_BLOCK, and every block holds one document's columns.
 */
export interface FeatureBatch {
  /** Documents in the batch (N). */
  readonly n: number;
  /** Members (K). */
  readonly members: number;
  /** Columns (W, a multiple of COLUMN_BLOCK): the documents' n-grams, their blocks' padding and the closing block. */
  readonly width: number;
  /** Bucket ids into the concatenated member tables, member-major [K, W]; member k's ids lie in [k*buckets, (k+1)*buckets), padding is members*buckets. */
  readonly ids: Int32Array;
  /** Occurrences of each column's n-gram in its document [W] (the same for every member; 0 for padding columns). */
  readonly counts: Float32Array;
  /** Column offsets of the documents [N+1], multiples of COLUMN_BLOCK: offsets[0] = 0, offsets[N] = W - COLUMN_BLOCK. */
  readonly offsets: Int32Array;
  /** Per-document pooling scale [N]. */
  readonly scale: Float32Array;
  /** Standardised dense statistics [N, D]. */
  readonly dense: Float32Array;
  /** Dense columns (D). */
  readonly denseDim: number;
}

/** Turns texts into the proxy graph's input tensors. */
export interface Featurizer {
  readonly config: FeatureConfig;
  /** Members (K) = config.hashSeeds.length. */
  readonly members: number;
  /** Dense columns (D). */
  readonly denseDim: number;
  /** Id of the padding slot (members * buckets); the graph's table holds 0 there. */
  readonly padId: number;
  /**
   * Tokenises texts once into base hashes and dense statistics. `bytes`: each text's UTF-8 length when the caller
   * knows it (the token statistics need it; otherwise it is computed). `opts.wordHashes`: every word's hash too;
   * `opts.ruleTokens`: the quality rules' tokens too.
   */
  analyze(texts: readonly string[], bytes?: ArrayLike<number>, opts?: { wordHashes?: boolean; ruleTokens?: boolean }): AnalyzedBatch;
  /** Packs the chosen documents of an analysed batch (in that order) into graph tensors (flattened, in blocks). */
  pack(batch: AnalyzedBatch, docs?: ArrayLike<number>): FeatureBatch;
  /** analyze + pack of all documents. */
  featurize(texts: readonly string[]): FeatureBatch;
  /** Member k's bucket (0 .. buckets-1) of a base hash. */
  bucketOf(hash: number, member: number): number;
}
