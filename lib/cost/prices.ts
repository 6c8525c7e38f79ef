/**
 * List prices the cost model uses by default: AWS us-east-1 on-demand list prices as of 2026 (read from the AWS pricing
 * pages in 2026; x86_64 Lambda, Step Functions Standard workflows, S3 Standard). Every one can be overridden (CLI flags
 * or the `prices` input), because prices change and differ by region and agreement.
 */
export const PRICES_AS_OF = '2026 (us-east-1 list prices)';

/** Lambda (x86_64) compute, USD per GB-second (first pricing tier). */
export const LAMBDA_USD_PER_GB_SECOND = 0.0000166667;
/** Lambda requests, USD per request ($0.20 per million). */
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1e6;
/** Step Functions Standard state transitions, USD per transition ($0.025 per 1,000). */
export const SFN_USD_PER_TRANSITION = 0.025 / 1000;
/** S3 Standard GET (and other reads), USD per request ($0.0004 per 1,000). */
export const S3_USD_PER_GET = 0.0004 / 1000;
/** S3 Standard PUT/COPY/POST/LIST, USD per request ($0.005 per 1,000). */
export const S3_USD_PER_PUT = 0.005 / 1000;
/** One NVIDIA A10G GPU (g5.xlarge on-demand, the reference Batch job's default instance), USD per hour. */
export const GPU_USD_PER_HOUR = 1.006;

/** All default prices, by the names the cost model's `prices` input uses. */
export const DEFAULT_PRICES = {
  lambdaGbSecond: LAMBDA_USD_PER_GB_SECOND,
  lambdaRequest: LAMBDA_USD_PER_REQUEST,
  sfnTransition: SFN_USD_PER_TRANSITION,
  s3Get: S3_USD_PER_GET,
  s3Put: S3_USD_PER_PUT,
  gpuHour: GPU_USD_PER_HOUR,
} as const;
