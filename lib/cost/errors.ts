import { ProxyselError } from '../errors.ts';

/** An estimate input that is missing, malformed or out of range; the message names the field (or flag). */
export class CostInputError extends ProxyselError {
  override readonly name = 'CostInputError';
  readonly badInput = true;
}
