import { ProxyselError } from '../errors.ts';

/** Root of the proxy model's errors. */
export abstract class ProxyError extends ProxyselError {
  readonly badInput = false;
}

/** Training input or options the proxy cannot be fitted from. */
export class ProxyTrainingError extends ProxyError {
  override readonly name = 'ProxyTrainingError';
}

/** An ONNX proxy graph that cannot be loaded or does not take the featurizer's tensors. */
export class ProxyModelError extends ProxyError {
  override readonly name = 'ProxyModelError';
}
