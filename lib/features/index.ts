export { createFeaturizer, defaultFeatureConfig } from './featurizer.ts';
export { featureConfigSchema } from './schema.ts';
export { FeatureConfigError } from './errors.ts';
export { DOC_STAT_COUNT, DOC_STAT_NAMES, docStats } from './doc-stats.ts';
export { deriveSeed, fmix32, fnv1a32, hashString } from './hashing.ts';
export { blockColumns, COLUMN_BLOCK } from './kernel/scan-kernel.ts';
export type { AnalyzedBatch, FeatureBatch, FeatureConfig, Featurizer } from './types.ts';
export { CHAR_KIND, LOWER, LOWER_TABLE_SIZE, WORD_CLASSES } from './char-classes.ts';
export { FNV_OFFSET, FNV_PRIME, TEXT_HASH_SEED, textHashFirst, textHashSecond, textHashWord } from './hashing.ts';
