import { ProxyselError } from '../errors.ts';

/** Root of the job spec's errors: each is the input's fault (the spec, a file it names, an option overriding it). */
export abstract class JobError extends ProxyselError {
  readonly badInput = true;
}

/** A job spec failed validation; `problems` lists every issue by its path in the spec. */
export class JobSpecError extends JobError {
  override readonly name = 'JobSpecError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid job spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
}

/** A job spec file that cannot be read (missing, unreadable): the message names the path and the reason. */
export class JobSpecFileError extends JobError {
  override readonly name = 'JobSpecFileError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: cannot read the job spec (${reason})`);
  }
}

/** A command-line option that overrides part of a spec (`proxysel select --budget/--policy ...`) is not valid. */
export class InvalidOptionError extends JobError {
  override readonly name = 'InvalidOptionError';
}
