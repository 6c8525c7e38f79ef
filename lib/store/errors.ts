/** Base class of every error raised by the object store. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A URI that is neither a local path, a `file://` URL nor an `s3://bucket/key` URI. */
export class InvalidUriError extends StoreError {
  override name = 'InvalidUriError';
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`${JSON.stringify(uri)}: not a valid store URI (${reason})`);
  }
}

/** The object named by `uri` does not exist. */
export class StoreNotFoundError extends StoreError {
  override name = 'StoreNotFoundError';
  constructor(
    readonly uri: string,
    options?: { cause?: unknown },
  ) {
    super(`${uri}: no such object`, options);
  }
}

/** An object that should hold JSON does not. */
export class StoreJsonError extends StoreError {
  override name = 'StoreJsonError';
  constructor(
    readonly uri: string,
    cause: unknown,
  ) {
    super(`${uri}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** A JSON object that does not have the shape its reader expects: names the URI and each field at fault. */
export class StoreSchemaError extends StoreError {
  override name = 'StoreSchemaError';
  constructor(
    readonly uri: string,
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`${uri}: not a valid ${what}: ${problems.join('; ')}`);
  }
}
