/** A feature configuration that cannot be used (wrong shape, unknown dense feature, bad bucket count). */
export class FeatureConfigError extends Error {
  override readonly name = 'FeatureConfigError';
}
