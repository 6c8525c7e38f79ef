export { fitProxy, heldOutSplit, DEFAULT_LEARNING_RATE } from './train.ts';
export { predictEnsemble } from './ensemble.ts';
export { exportEnsembleOnnx, PROXY_GRAPH } from './onnx-export.ts';
export { ProxyScorer, type ProxyScorerOptions, type ProxyTextScores } from './scorer.ts';
export {
  averageRanks,
  pearson,
  r2,
  spearman,
  spreadCalibration,
  spreadCalibrationSchema,
  topKAgreement,
  type SpreadCalibration,
} from './fidelity.ts';
export { ProxyModelError, ProxyTrainingError } from './errors.ts';
export { featureConfigSchema, type FeatureConfig } from '../features/index.ts';
export type { EnsembleModel, Fidelity, FitProxyOptions, FitProxyResult, ProxyExample, ProxyScores } from './types.ts';
