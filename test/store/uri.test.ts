import { describe, expect, it } from 'vitest';
import { InvalidUriError, StoreError, isS3Uri, joinUri, parseUri, relativeKey } from '../../lib/store/index.ts';

describe('parseUri', () => {
  it('splits s3 URIs into bucket and key', () => {
    expect(parseUri('s3://bucket/a/b.jsonl')).toEqual({ scheme: 's3', bucket: 'bucket', key: 'a/b.jsonl' });
    expect(parseUri('s3://bucket')).toEqual({ scheme: 's3', bucket: 'bucket', key: '' });
    expect(parseUri('s3://bucket/')).toEqual({ scheme: 's3', bucket: 'bucket', key: '' });
    expect(parseUri('s3://b/dir/')).toEqual({ scheme: 's3', bucket: 'b', key: 'dir/' });
  });

  it('turns file:// URLs into paths and keeps plain paths as given', () => {
    expect(parseUri('file:///data/x%20y.txt')).toEqual({ scheme: 'file', path: '/data/x y.txt' });
    expect(parseUri('/abs/p')).toEqual({ scheme: 'file', path: '/abs/p' });
    expect(parseUri('rel/p')).toEqual({ scheme: 'file', path: 'rel/p' });
  });

  it('rejects bad URIs with a message naming the URI', () => {
    expect(() => parseUri('')).toThrow(InvalidUriError);
    expect(() => parseUri('s3://')).toThrow(/"s3:\/\/": not a valid store URI \(no bucket name/);
    expect(() => parseUri('s3:///key')).toThrow(/no bucket name/);
    expect(() => parseUri('s3://bad bucket/k')).toThrow(/bad bucket name/);
    expect(() => parseUri('gs://bucket/k')).toThrow(/"gs:\/\/bucket\/k".*unsupported scheme "gs"/);
    expect(() => parseUri('https://host/x')).toThrow(InvalidUriError);
    expect(() => parseUri('file://otherhost/x')).toThrow(InvalidUriError);
  });

  it('recognises s3 URIs', () => {
    expect(isS3Uri('s3://b/k')).toBe(true);
    expect(isS3Uri('S3://b/k')).toBe(true);
    expect(isS3Uri('/s3/b')).toBe(false);
    expect(isS3Uri('file:///s3://')).toBe(false);
  });
});

describe('joinUri', () => {
  it('joins with or without a trailing slash, keeping the base form', () => {
    expect(joinUri('s3://b/p', 'plan.json')).toBe('s3://b/p/plan.json');
    expect(joinUri('s3://b/p/', 'scores/0001.parquet')).toBe('s3://b/p/scores/0001.parquet');
    expect(joinUri('s3://b', 'k')).toBe('s3://b/k');
    expect(joinUri('s3://b/', 'k')).toBe('s3://b/k');
    expect(joinUri('file:///x', 'a/b')).toBe('file:///x/a/b');
    expect(joinUri('file:///x/', 'a b#c')).toBe('file:///x/a%20b%23c');
    expect(joinUri('/abs/out', 'k')).toBe('/abs/out/k');
    expect(joinUri('/abs/out/', 'k')).toBe('/abs/out/k');
    expect(joinUri('rel/out', 'k/x')).toBe('rel/out/k/x');
    expect(joinUri('out', '/k')).toBe('out/k');
    expect(joinUri('s3://b/p', '')).toBe('s3://b/p');
  });

  it('keys with spaces stay literal in s3 URIs', () => {
    expect(joinUri('s3://b/p', 'a b.txt')).toBe('s3://b/p/a b.txt');
  });

  it('rejects a bad base', () => {
    expect(() => joinUri('ftp://x', 'k')).toThrow(InvalidUriError);
  });
});

describe('relativeKey', () => {
  it('gives the key under an s3 prefix taken as a folder', () => {
    expect(relativeKey('s3://b/corpus', 's3://b/corpus/part-1.jsonl')).toBe('part-1.jsonl');
    expect(relativeKey('s3://b/corpus/', 's3://b/corpus/x/y')).toBe('x/y');
    expect(relativeKey('s3://b', 's3://b/k')).toBe('k');
    expect(() => relativeKey('s3://b/corpus', 's3://b/corpus-2/x')).toThrow(StoreError);
    expect(() => relativeKey('s3://b/corpus', 's3://other/corpus/x')).toThrow(/is not under s3:\/\/b\/corpus/);
  });

  it('gives the /-separated key under a local folder, for paths and file:// URLs', () => {
    expect(relativeKey('/data/c', '/data/c/sub/x.jsonl')).toBe('sub/x.jsonl');
    expect(relativeKey('/data/c/', '/data/c/x')).toBe('x');
    expect(relativeKey('file:///data/c', 'file:///data/c/a%20b')).toBe('a b');
    expect(relativeKey('file:///data/c', '/data/c/x')).toBe('x');
    expect(() => relativeKey('/data/c', '/data/cc/x')).toThrow(StoreError);
    expect(() => relativeKey('/data/c', '/data/c')).toThrow(StoreError);
    expect(() => relativeKey('/data/c', 's3://b/data/c/x')).toThrow(StoreError);
  });

  it('inverts joinUri', () => {
    for (const base of ['s3://b/p', 's3://b/p/', 'file:///x/y', '/x/y/', 'rel/dir']) {
      expect(relativeKey(base, joinUri(base, 'k/é z.txt'))).toBe('k/é z.txt');
    }
  });
});
