export { createOnnxScorer } from './scorer.ts';
export { loadModelFolder, type LoadedModelFolder } from './model-folder.ts';
export { executionProvidersFor, sessionOptionsFor, openCausalLmSession, type CausalLmSession } from './session.ts';
export { planWindows, scoredTokenCount, type WindowOptions } from './windows.ts';
export { nextTokenNll, halfToFloat } from './log-softmax.ts';
export { OnnxDeviceUnavailableError, OnnxModelFolderError, OnnxModelSignatureError } from './errors.ts';
export type { CausalLmConfig, OnnxDevice, OnnxScorerDeps, TokenWindow } from './types.ts';
