import { z } from 'zod';
import { CLOUD_DEFAULTS, SPEC_DEFAULTS } from '../job/index.ts';
import { DEFAULT_PRICES } from './prices.ts';

/**
 * Throughput measured on the development machine by `npm run bench` (2 vCPUs, Node 22, 2026-12-08, see
 * docs/performance.md), used when bench/results/throughput.json is absent: the proxysel score stage per core (quality
 * rules and exact dedup inputs included) in uncompressed JSONL bytes per CPU-second, and the bench corpus's gzip ratio
 * and mean record size. The same run measured the parse floor at 166.7 MB/s per core (this machine's rates move by about
 * a quarter between runs).
 */
export const MEASURED_DEFAULTS = {
  scorerBytesPerCoreSecond: 40.1e6,
  compressionRatio: 2.38,
  docBytes: 1807,
  /**
   * `npm run bench --quick`, 2026-12-01: the dedup stages over the bench corpus's band files, 72k records per CPU-second.
   * That corpus repeats its documents (about 70% are copies), so nearly every record is verified: a pessimistic rate.
   */
  dedupRecordsPerCoreSecond: 0.07e6,
} as const;

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be > 0` });

/** The cost model's input: sizes in bytes, throughputs in bytes or tokens per second, prices in USD. */
export const costInputSchema = z
  .object({
    /** Corpus size as stored (compressed bytes). */
    corpusBytes: positive('corpusBytes'),
    /** Uncompressed / stored bytes (1 for uncompressed JSONL). */
    compressionRatio: positive('compressionRatio').default(MEASURED_DEFAULTS.compressionRatio),
    /** Mean uncompressed record size, bytes. */
    docBytes: positive('docBytes').default(MEASURED_DEFAULTS.docBytes),
    /** Reference tokens per uncompressed byte (about 4 bytes per token for English BPE). */
    tokensPerByte: positive('tokensPerByte').default(0.25),
    /** Scorer throughput on one core, uncompressed bytes per CPU-second (from the bench). */
    scorerBytesPerCoreSecond: positive('scorerBytesPerCoreSecond').default(MEASURED_DEFAULTS.scorerBytesPerCoreSecond),
    /** Stored bytes per work item (shard size). */
    shardBytes: positive('shardBytes').default(SPEC_DEFAULTS.maxItemBytes),
    /** Work items per Lambda invocation (the score map's ItemBatcher, as the stack deploys it). */
    itemsPerInvocation: z.number().int().positive().default(CLOUD_DEFAULTS.scoreItemsPerBatch),
    /** Lambda memory size, MB (vCPUs scale as memory / 1769 MB). */
    lambdaMemoryMb: z.number().int().min(128).max(10240).default(CLOUD_DEFAULTS.scoreMemoryMb),
    /** Lambdas running at once (Distributed Map MaxConcurrency, bounded by the account's concurrency). */
    concurrency: z.number().int().positive().default(CLOUD_DEFAULTS.maxConcurrency),
    /** Step Functions transitions per invocation (child execution start, the Task state, its end). */
    transitionsPerInvocation: z.number().int().nonnegative().default(3),
    /** Duplicate removal the job runs (`proxysel estimate --dedup`): its partitions stage is priced apart. */
    dedupKind: z.enum(['none', 'exact', 'minhash']).default('exact'),
    /** LSH bands per document (minhash): band records per document. */
    dedupBands: z.number().int().positive().default(14),
    /** MinHash signature length (minhash): what the clustering holds per paired document. */
    dedupHashes: z.number().int().positive().default(112),
    /**
     * Scorer throughput per core with MinHash signatures computed in the same pass (from the bench); absent: the plain
     * scorer throughput (`scorerBytesPerCoreSecond`) is used for minhash too.
     */
    minhashScorerBytesPerCoreSecond: positive('minhashScorerBytesPerCoreSecond').optional(),
    /** Band and exact records one dedup partition sorts and verifies per CPU-second (from the bench). */
    dedupRecordsPerCoreSecond: positive('dedupRecordsPerCoreSecond').default(MEASURED_DEFAULTS.dedupRecordsPerCoreSecond),
    /**
     * Exact records the gather and partition stages pass per CPU-second (from the bench); with it, exact deduplication
     * is priced as records / this + duplicate pairs / exactDedupPairsPerCoreSecond. Absent: dedupRecordsPerCoreSecond
     * for everything.
     */
    exactDedupRecordsPerCoreSecond: positive('exactDedupRecordsPerCoreSecond').optional(),
    /** Verified pairs the clustering resolves per CPU-second (from the bench). */
    exactDedupPairsPerCoreSecond: positive('exactDedupPairsPerCoreSecond').optional(),
    /** Share of documents that are a copy of another (one verified pair each): the clustering's work. */
    duplicateShare: z.number().min(0).max(1).default(0.1),
    /** Memory of the dedup partition Lambdas, MB. */
    dedupLambdaMemoryMb: z.number().int().min(128).max(10240).default(CLOUD_DEFAULTS.dedupMemoryMb),
    /** Documents the reference (large) model labels. */
    sampleDocs: z.number().int().positive().default(SPEC_DEFAULTS.sampleDocs),
    /** Large-model scoring throughput on one GPU, tokens per second (forward pass only). */
    gpuTokensPerSecond: positive('gpuTokensPerSecond').default(10000),
    prices: z
      .object({
        lambdaGbSecond: positive('prices.lambdaGbSecond').default(DEFAULT_PRICES.lambdaGbSecond),
        lambdaRequest: positive('prices.lambdaRequest').default(DEFAULT_PRICES.lambdaRequest),
        sfnTransition: positive('prices.sfnTransition').default(DEFAULT_PRICES.sfnTransition),
        s3Get: positive('prices.s3Get').default(DEFAULT_PRICES.s3Get),
        s3Put: positive('prices.s3Put').default(DEFAULT_PRICES.s3Put),
        gpuHour: positive('prices.gpuHour').default(DEFAULT_PRICES.gpuHour),
      })
      .prefault({}),
  })
  .strict();

/** bench/results/throughput.json: what the cost model reads back (other fields are kept by the bench for people). */
export const throughputFileSchema = z.object({
  version: z.literal(1),
  measuredAt: z.string(),
  scorer: z.object({ bytesPerCoreSecond: z.number().positive(), minhashBytesPerCoreSecond: z.number().positive().optional() }).loose(),
  dedup: z.object({ recordsPerCoreSecond: z.number().positive(), exactRecordsPerCoreSecond: z.number().positive().optional(), exactPairsPerCoreSecond: z.number().positive().optional() }).loose().optional(),
  corpus: z.object({ compressionRatio: z.number().positive(), meanDocBytes: z.number().positive() }).loose(),
}).loose();
