/** Object store: local paths and `file://` URLs, and `s3://` on AWS or any S3-compatible endpoint. */
export { createStore } from './create.ts';
export { s3OptionsFromEnv } from './s3-options.ts';
export { createS3Client } from './s3.ts';
export { realLocation } from './real-location.ts';
export { parseUri, isS3Uri, joinUri, relativeKey, locationOverlap } from './uri.ts';
export { StoreError, StoreNotFoundError, InvalidUriError, StoreJsonError, StoreSchemaError } from './errors.ts';
export { ObjectStream } from './object-stream.ts';
export type { ObjectStore, ObjectInfo, S3Options } from './types.ts';
