import { ProxyselError } from '../errors.ts';

/** A command given without what it needs (`proxysel run` with no spec path): the message says what to give. */
export class UsageError extends ProxyselError {
  override readonly name = 'UsageError';
  readonly badInput = true;
}
