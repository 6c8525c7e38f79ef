import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidUriError, StoreError } from './errors.ts';

/** A store URI taken apart. Local paths and `file://` URLs both become `{ scheme: 'file', path }`. */
export type ParsedUri = { scheme: 's3'; bucket: string; key: string } | { scheme: 'file'; path: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/** True for `s3://...` URIs (case-insensitive scheme). */
export function isS3Uri(uri: string): boolean {
  return /^s3:\/\//i.test(uri);
}

function isFileUrl(uri: string): boolean {
  return /^file:\/\//i.test(uri);
}

/**
 * Takes a store URI apart: `s3://bucket/key` (key may be empty), `file:///abs/path`, or a plain local path
 * (absolute or relative, returned as given). Throws InvalidUriError for other schemes and malformed URIs.
 */
export function parseUri(uri: string): ParsedUri {
  if (typeof uri !== 'string' || uri.length === 0) throw new InvalidUriError(String(uri), 'empty');
  if (uri.includes('\0')) throw new InvalidUriError(uri, 'contains a NUL character');
  if (isS3Uri(uri)) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1);
    if (bucket.length === 0) throw new InvalidUriError(uri, 'no bucket name after s3://');
    if (!/^[a-zA-Z0-9._-]+$/.test(bucket)) throw new InvalidUriError(uri, `bad bucket name ${JSON.stringify(bucket)}`);
    return { scheme: 's3', bucket, key };
  }
  if (isFileUrl(uri)) {
    try {
      return { scheme: 'file', path: fileURLToPath(uri) };
    } catch (err) {
      throw new InvalidUriError(uri, err instanceof Error ? err.message : String(err));
    }
  }
  const scheme = SCHEME.exec(uri);
  if (scheme) throw new InvalidUriError(uri, `unsupported scheme ${JSON.stringify(scheme[1])}; use a local path, file:// or s3://`);
  return { scheme: 'file', path: uri };
}

function encodeFileUrlKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
}

/**
 * Appends a `/`-separated key to a base URI, keeping the base's form: `s3://b/p` + `k` -> `s3://b/p/k`,
 * `file:///x/` + `a b` -> `file:///x/a%20b`, `/abs` or `rel/dir` + `k` -> `/abs/k`, `rel/dir/k`.
 * The base may end with or without `/`; leading slashes of the key are dropped. An empty key returns the base.
 */
export function joinUri(base: string, key: string): string {
  parseUri(base);
  const k = key.replace(/^\/+/, '');
  if (k.length === 0) return base;
  const part = isFileUrl(base) ? encodeFileUrlKey(k) : k;
  return base.endsWith('/') ? base + part : `${base}/${part}`;
}

/**
 * The key of `uri` relative to `prefixUri`, the prefix taken as a folder (`/`-separated, no leading slash).
 * Throws StoreError if `uri` does not lie under the prefix (different scheme, bucket or folder).
 */
export function relativeKey(prefixUri: string, uri: string): string {
  const prefix = parseUri(prefixUri);
  const target = parseUri(uri);
  const outside = () => new StoreError(`${uri} is not under ${prefixUri}`);
  if (prefix.scheme === 's3' && target.scheme === 's3') {
    if (prefix.bucket !== target.bucket) throw outside();
    const folder = prefix.key === '' || prefix.key.endsWith('/') ? prefix.key : `${prefix.key}/`;
    if (!target.key.startsWith(folder) || target.key.length === folder.length) throw outside();
    return target.key.slice(folder.length);
  }
  if (prefix.scheme === 'file' && target.scheme === 'file') {
    const rel = relative(resolve(prefix.path), resolve(target.path));
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw outside();
    return rel.split(sep).join('/');
  }
  throw outside();
}

/**
 * How two locations overlap, taken as folders: `same`, `inside` (a lies under b), `contains` (b lies under a), or
 * undefined when neither lies under the other (different schemes, buckets or folders; `s3://b/cc` and `s3://b/cc-x`
 * are siblings). Local paths are resolved (`..`, relative to the working directory); symbolic links are not followed.
 */
export function locationOverlap(a: string, b: string): 'same' | 'inside' | 'contains' | undefined {
  const pa = parseUri(a);
  const pb = parseUri(b);
  let fa: string;
  let fb: string;
  if (pa.scheme === 's3' && pb.scheme === 's3') {
    if (pa.bucket !== pb.bucket) return undefined;
    fa = pa.key.replace(/\/*$/, '/');
    fb = pb.key.replace(/\/*$/, '/');
    if (fa === '/') fa = '';
    if (fb === '/') fb = '';
  } else if (pa.scheme === 'file' && pb.scheme === 'file') {
    fa = resolve(pa.path).replace(/[\\/]*$/, sep);
    fb = resolve(pb.path).replace(/[\\/]*$/, sep);
  } else {
    return undefined;
  }
  if (fa === fb) return 'same';
  if (fa.startsWith(fb)) return 'inside';
  if (fb.startsWith(fa)) return 'contains';
  return undefined;
}
