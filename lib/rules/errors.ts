/** A quality-rules configuration that cannot be used: an unknown rule, an unknown parameter, a number out of range. */
export class RulesSpecError extends Error {
  override readonly name = 'RulesSpecError';
}
