/** A job spec failed validation; `problems` lists every issue by its path in the spec. */
export class JobSpecError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid job spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'JobSpecError';
  }
}

/** A command-line option that overrides part of a spec (`proxysel select --budget/--policy ...`) is not valid. */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
}
