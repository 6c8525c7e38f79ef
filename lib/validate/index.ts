/**
 * The one way a failed zod parse becomes words: every problem as `path: message`, the path as `a.b[0].c`, sorted by
 * path for stable messages. Errors that name a file or field put these after the file's name.
 */
import type { ZodError } from 'zod';

export interface DescribeOptions {
  /** What the path of a problem with the value itself reads as (default `(root)`). */
  root?: string;
  /** A path the value sits under, put before every problem's path (`features` gives `features.buckets`). */
  under?: string;
}

/** `corpus.textField`-style path of one zod issue. */
export function issuePath(path: readonly PropertyKey[], options: DescribeOptions = {}): string {
  const inner = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  if (options.under !== undefined) return inner === '' ? options.under : inner.startsWith('[') ? `${options.under}${inner}` : `${options.under}.${inner}`;
  return inner === '' ? (options.root ?? '(root)') : inner;
}

/** Every problem of a failed parse, one line each (`path: message`), sorted by path. */
export function describeZodError(error: ZodError, options: DescribeOptions = {}): string[] {
  return error.issues.map((issue) => `${issuePath(issue.path, options)}: ${issue.message}`).sort();
}

/** Every problem of a failed parse on one line: `path: message; path: message`. */
export function formatZodError(error: ZodError, options: DescribeOptions = {}): string {
  return describeZodError(error, options).join('; ');
}
