export { createFeaturizer, defaultFeatureConfig, DEFAULT_MAX_WORDS } from './featurizer.ts';
export { DENSE_FEATURE_NAMES, featureConfigSchema } from './schema.ts';
export { FeatureConfigError } from './errors.ts';
export { DOC_STAT_COUNT, DOC_STAT_NAMES, docStats, type DocStatName } from './doc-stats.ts';
export { deriveSeed, fmix32, fnv1a32, hashString } from './hashing.ts';
export { blockColumns, COLUMN_BLOCK } from './kernel/scan-kernel.ts';
export type { AnalyzedBatch, FeatureBatch, FeatureConfig, Featurizer } from './types.ts';
export { CHAR_KIND, CLASS_DIGIT, CLASS_LOWER, CLASS_PUNCT, CLASS_SPACE, CLASS_UPPER, KIND_CLASS_MASK, LOWER, LOWER_TABLE_SIZE, WORD_CLASSES } from './char-classes.ts';
export { FNV_OFFSET, FNV_PRIME, TEXT_HASH_SEED, textHashFirst, textHashSecond, textHashWord } from './hashing.ts';
