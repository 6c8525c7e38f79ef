/** Training input or options the proxy cannot be fitted from. */
export class ProxyTrainingError extends Error {
  override readonly name = 'ProxyTrainingError';
}

/** An ONNX proxy graph that cannot be loaded or does not take the featurizer's tensors. */
export class ProxyModelError extends Error {
  override readonly name = 'ProxyModelError';
}
