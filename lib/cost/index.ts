export { estimateCost, LAMBDA_MB_PER_VCPU, S3_DEDUP_PUTS_PER_ITEM, S3_GETS_PER_INVOCATION, S3_PUTS_PER_ITEM } from './estimate.ts';
export { CostInputError } from './errors.ts';
export { sampleCorpus, spreadIndices, type CorpusSample } from './corpus-sample.ts';
export { formatEstimate } from './format.ts';
export { formatBytes, parseSize } from './parse-size.ts';
export { DEFAULT_PRICES } from './prices.ts';
export { costInputSchema } from './schema.ts';
export { inputsFromThroughput, readThroughputFile, THROUGHPUT_FILE } from './throughput-file.ts';
export type { CostInput } from './types.ts';
