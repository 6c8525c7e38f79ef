import { ProxyselError } from '../errors.ts';

/** A quality-rules configuration that cannot be used: an unknown rule, an unknown parameter, a number out of range. */
export class RulesSpecError extends ProxyselError {
  override readonly name = 'RulesSpecError';
  readonly badInput = true;
}
