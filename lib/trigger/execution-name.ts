import { createHash } from 'node:crypto';

/** Step Functions execution names: 1-80 characters of letters, digits, `-` and `_`. */
const MAX_NAME = 80;
const HASH_CHARS = 20;

/**
 * The execution name of a job spec: a readable part from the spec's file name plus a hash of its key and ETag. The same
 * object (a duplicated or replayed event) always yields the same name, so Step Functions refuses a second run; a new
 * upload of the spec (new ETag) yields a new name. Pure and deterministic.
 */
export function executionNameFor(key: string, etag: string): string {
  if (!key) throw new RangeError('executionNameFor: the spec key is empty');
  const tag = normalizeEtag(etag);
  if (!tag) throw new RangeError(`executionNameFor: ${key}: the ETag is empty`);
  const hash = createHash('sha256').update(`${key}\u0000${tag}`).digest('hex').slice(0, HASH_CHARS);
  const base = key.split('/').pop()!.replace(/\.json$/i, '');
  const readable = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_NAME - HASH_CHARS - 1);
  return readable ? `${readable}-${hash}` : hash;
}

/** ETags arrive quoted from the S3 API and unquoted in S3 events; both name the same version. */
export function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}
