import { ProxyselError } from '../errors.ts';

/** A feature configuration that cannot be used (wrong shape, unknown dense feature, bad bucket count). */
export class FeatureConfigError extends ProxyselError {
  override readonly name = 'FeatureConfigError';
  readonly badInput = false;
}
