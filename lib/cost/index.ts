export { estimateCost, LAMBDA_MAX_SECONDS, LAMBDA_MB_PER_VCPU, S3_GETS_PER_INVOCATION, S3_PUTS_PER_ITEM } from './estimate.ts';
export { CostInputError } from './errors.ts';
export { sampleCorpus, spreadIndices, type CorpusSample, type CorpusSampleOptions } from './corpus-sample.ts';
export { formatEstimate } from './format.ts';
export { formatBytes, parseSize } from './parse-size.ts';
export * from './prices.ts';
export { costInputSchema, MEASURED_DEFAULTS, throughputFileSchema } from './schema.ts';
export { inputsFromThroughput, parseThroughputFile, readThroughputFile, THROUGHPUT_FILE } from './throughput-file.ts';
export type { CostEstimate, CostInput, CostLines, ResolvedCostInput, ThroughputFile } from './types.ts';
