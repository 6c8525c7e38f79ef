/** Object store: local paths and `file://` URLs, and `s3://` on AWS or any S3-compatible endpoint. */
export { createStore, type CreateStoreOptions } from './create.ts';
export { s3OptionsFromEnv } from './s3-options.ts';
export { createS3Client, DEFAULT_PART_SIZE } from './s3.ts';
export { realLocation } from './real-location.ts';
export { parseUri, isS3Uri, joinUri, relativeKey, locationOverlap, type ParsedUri } from './uri.ts';
export { StoreError, StoreNotFoundError, InvalidUriError, StoreJsonError, StoreSchemaError } from './errors.ts';
export { ObjectStream } from './object-stream.ts';
export type { ObjectStore, ObjectInfo, ByteRange, Body, S3Options, WriteOptions } from './types.ts';
