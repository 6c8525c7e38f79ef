export { fitProxy, heldOutSplit, trainSubset } from './train.ts';
export { describeLearningCurve, learningCurve } from './learning-curve.ts';
export { predictEnsemble } from './ensemble.ts';
export { exportEnsembleOnnx, PROXY_GRAPH } from './onnx-export.ts';
export { ProxyScorer } from './scorer.ts';
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
} from './fidelity.ts';
export { ProxyModelError, ProxyTrainingError } from './errors.ts';
export { featureConfigSchema } from '../features/index.ts';
export type { FitProxyOptions, FitProxyResult, ProxyExample } from './types.ts';
