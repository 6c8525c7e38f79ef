/** Public types of near-duplicate detection (MinHash LSH) and exact-duplicate hashing. */

/** How documents are shingled and hashed into a MinHash signature, and how the signature is cut into LSH bands. */
export interface MinHashParams {
  /** Words per shingle (word n-grams over the normalized text). */
  shingle: number;
  /** Signature length (one-permutation MinHash bins). Must equal bands x rows. */
  hashes: number;
  /** LSH bands; two documents become candidates when all rows of one band agree. */
  bands: number;
  /** Rows (hashes) per band. */
  rows: number;
  /** Seed of the shingle hash; documents are only comparable under the same seed. */
  seed: number;
}

/** FineWeb's setting: word 5-grams, 112 hashes in 14 bands of 8 (about 75% Jaccard at the S-curve's steepest). */
export const DEFAULT_MINHASH: Readonly<MinHashParams> = { shingle: 5, hashes: 112, bands: 14, rows: 8, seed: 1 };

/** A document by position: its work item's index in the plan and its index in that item's score file. */
export interface DocRef {
  item: number;
  pos: number;
}

/** A verified near- or exact-duplicate pair (a before b in (item, pos) order), with the estimated Jaccard. */
export interface DuplicateEdge {
  a: DocRef;
  b: DocRef;
  /** Estimated Jaccard similarity of the two documents' shingle sets (1 for an exact duplicate). */
  jaccard: number;
}

/** Limits on how far transitive closure over verified pairs is trusted. */
export interface ClusterGuard {
  /** Jaccard a removed document must reach against its kept representative in a guarded cluster. */
  threshold: number;
  /** A connected component with more documents than this is verified pairwise against representatives. */
  maxClusterSize: number;
  /** A component whose removal would take more than this share of some work item's documents is verified too. */
  maxItemShare: number;
}
