import { ReferenceModelError } from '../errors.ts';

/** The model folder is missing a file or holds one that cannot be read. */
export class OnnxModelFolderError extends ReferenceModelError {
  override readonly name = 'OnnxModelFolderError';
}

/** The ONNX graph's inputs or outputs are not those of a Hugging Face / Optimum causal-LM export. */
export class OnnxModelSignatureError extends ReferenceModelError {
  override readonly name = 'OnnxModelSignatureError';
}

/**
 * The requested device's execution provider cannot be loaded by onnxruntime. Raised at session creation: the backend
 * never falls back to the CPU silently.
 */
export class OnnxDeviceUnavailableError extends ReferenceModelError {
  override readonly name = 'OnnxDeviceUnavailableError';
}
