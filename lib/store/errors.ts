import { ProxyselError } from '../errors.ts';

/** Root of the object store's errors (a plain StoreError: a read or write that failed, with the location). */
export class StoreError extends ProxyselError {
  override readonly name: string = 'StoreError';
  readonly badInput: boolean = false;
}

/** A URI that is neither a local path, a `file://` URL nor an `s3://bucket/key` URI. */
export class InvalidUriError extends StoreError {
  override readonly name = 'InvalidUriError';
  override readonly badInput = true;
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`${JSON.stringify(uri)}: not a valid store URI (${reason})`);
  }
}

/** The object named by `uri` does not exist. */
export class StoreNotFoundError extends StoreError {
  override readonly name = 'StoreNotFoundError';
  constructor(
    readonly uri: string,
    options?: { cause?: unknown },
  ) {
    super(`${uri}: no such object`, options);
  }
}

/** An object that should hold JSON does not. */
export class StoreJsonError extends StoreError {
  override readonly name = 'StoreJsonError';
  constructor(
    readonly uri: string,
    cause: unknown,
  ) {
    super(`${uri}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** A JSON object that does not have the shape its reader expects: names the URI and each field at fault. */
export class StoreSchemaError extends StoreError {
  override readonly name = 'StoreSchemaError';
  constructor(
    readonly uri: string,
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`${uri}: not a valid ${what}: ${problems.join('; ')}`);
  }
}
