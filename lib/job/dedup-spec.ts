import { z } from 'zod';

/** Settings every deduplicating kind shares: where the work is cut, and how far transitive closure is trusted. */
const shared = {
  /**
   * Partitions of the band keys (by key prefix): the dedup stage's fan-out. Absent: one per 16 GiB of stored corpus
   * bytes per record per document (at least 4, at most 65536), resolved by the plan (lib/dedup/layout.ts).
   */
  partitions: z.number().int().min(1).max(65536).optional(),
  /** A cluster of more documents than this is verified pairwise against kept representatives, not trusted. */
  maxClusterSize: z.number().int().min(2).max(1_000_000).default(64),
  /** A cluster that would remove more than this share of one work item's documents is verified pairwise too. */
  maxItemShare: z.number().gt(0).max(1).default(0.5),
  /** Records one partition may hold in memory (12 bytes per band record, 16 per exact one); beyond it the stage fails, asking for more partitions. */
  maxPartitionRecords: z.number().int().positive().max(1_000_000_000, 'must be at most 1e9 (12 to 32 bytes each in memory)').default(50_000_000),
};

export const dedupSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** Copies whose normalized text (lowercased words; punctuation, quotes and spacing ignored) is identical. */
  z.object({ kind: z.literal('exact'), ...shared }).strict(),
  /** Near copies: MinHash LSH over word shingles (FineWeb's defaults), verified by estimated Jaccard. */
  z
    .object({
      kind: z.literal('minhash'),
      threshold: z.number().gt(0).max(1).default(0.75),
      shingle: z.number().int().min(1).max(32).default(5),
      hashes: z.number().int().min(1).max(1024).default(112),
      bands: z.number().int().min(1).max(1024).default(14),
      rows: z.number().int().min(1).max(1024).default(8),
      /** Most pivots verified per band bucket (bounds the work of one bucket of unrelated documents). */
      maxPivots: z.number().int().min(1).max(1_000_000).default(64),
      ...shared,
    })
    .strict()
    .refine((d) => d.bands * d.rows === d.hashes, { message: 'bands x rows must equal hashes', path: ['bands'] }),
]);

export type DedupSpec = z.output<typeof dedupSchema>;

/** The default: exact duplicates (almost free: one hash per document). */
export const DEFAULT_DEDUP = { kind: 'exact' } as const;
