export { fitProxy, heldOutSplit, trainSubset, DEFAULT_LEARNING_RATE } from './train.ts';
export {
  describeLearningCurve,
  learningCurve,
  LEARNING_CURVE_FRACTIONS,
  MIN_USEFUL_GAIN,
  type LearningCurve,
  type LearningCurvePoint,
} from './learning-curve.ts';
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
  fidelitySchema,
  learningCurveSchema,
  topKAgreement,
  type SpreadCalibration,
} from './fidelity.ts';
export { ProxyModelError, ProxyTrainingError } from './errors.ts';
export { featureConfigSchema, type FeatureConfig } from '../features/index.ts';
export type { EnsembleModel, Fidelity, FitProxyOptions, FitProxyResult, ProxyExample, ProxyScores } from './types.ts';
