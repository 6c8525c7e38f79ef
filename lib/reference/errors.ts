import { ProxyselError } from '../errors.ts';

/** Root of the reference models' errors (ngram, onnx, openai); not `ReferenceError`, JavaScript's own. */
export abstract class ReferenceModelError extends ProxyselError {
  readonly badInput = false;
}
