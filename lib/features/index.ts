export { createFeaturizer, defaultFeatureConfig, DEFAULT_MAX_WORDS } from './featurizer.ts';
export { DENSE_FEATURE_NAMES, featureConfigSchema } from './schema.ts';
export { FeatureConfigError } from './errors.ts';
export { hashString, deriveSeed } from './hashing.ts';
export type { AnalyzedBatch, FeatureBatch, FeatureConfig, Featurizer } from './types.ts';
