/**
 * The one way a failed zod parse becomes words: every problem as `path: message`, the path as `a.b[0].c`, sorted by
 * path for stable messages. Errors that name a file or field put these after the file's name. Given the schema (and
 * the input), an unknown field or value also gets a "did you mean" from the names the schema knows there.
 */
import type { ZodError, ZodType } from 'zod';
import { knownKeys } from './schema-keys.ts';
import { closestName } from './suggest.ts';
export { closestName } from './suggest.ts';
export interface DescribeOptions {
  /** What the path of a problem with the value itself reads as (default `(root)`). */
  root?: string;
  /** A path the value sits under, put before every problem's path (`features` gives `features.buckets`). */
  under?: string;
  /** The schema that failed: an unknown field is compared with the fields it knows at that path ("did you mean"). */
  schema?: ZodType;
  /** The value that failed: a value that is not one of the allowed ones is compared with them ("did you mean"). */
  input?: unknown;
}

/** `corpus.textField`-style path of one zod issue. */
export function issuePath(path: readonly PropertyKey[], options: DescribeOptions = {}): string {
  const inner = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  if (options.under !== undefined) return inner === '' ? options.under : inner.startsWith('[') ? `${options.under}${inner}` : `${options.under}.${inner}`;
  return inner === '' ? (options.root ?? '(root)') : inner;
}

/** The part of a zod issue this module reads (zod 4's issue union, loosely). */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  expected?: string;
  errors?: Issue[][];
  options?: unknown[];
  values?: unknown[];
  discriminator?: string;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return typeof v;
}

/** ` (did you mean "x"?)` when `value` is a string close to one of `allowed`. */
function didYouMean(value: unknown, allowed: readonly unknown[]): string {
  if (typeof value !== 'string') return '';
  const guess = closestName(value, allowed.filter((a): a is string => typeof a === 'string'));
  return guess ? `; did you mean "${guess}"?` : '';
}

/** The union option that came closest: every problem inside the value (none with the value's own type), fewest first. */
function closestOption(errors: Issue[][]): Issue[] | undefined {
  const matched = errors.filter((issues) => issues.length > 0 && issues.every((i) => i.path.length > 0));
  matched.sort((a, b) => a.length - b.length);
  return matched[0];
}

function describeIssue(issue: Issue, base: readonly PropertyKey[], options: DescribeOptions): string[] {
  const path = [...base, ...issue.path];
  const at = issuePath(path, options);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = options.schema ? knownKeys(options.schema, path) : [];
      return (issue.keys ?? []).map((key) => {
        const guess = closestName(key, known);
        const hint = guess ? `; did you mean "${guess}"?` : known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
        return `${issuePath([...path, key], options)}: unknown field${hint}`;
      });
    }
    case 'invalid_type': {
      const value = valueAt(options.input, path);
      const missing = options.input !== undefined ? value === undefined : /received undefined/.test(issue.message);
      if (missing) return [`${at}: required (${issue.expected ?? 'a value'})`];
      const got = options.input !== undefined ? `, got ${typeOf(value)}` : issue.message.replace(/^.*?(, received .*)$/, '$1').replace(', received', ', got');
      return [`${at}: expected ${issue.expected ?? 'another type'}${got.startsWith(',') ? got : ''}`];
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.options) {
        const value = valueAt(options.input, path);
        const allowed = issue.options.map((o) => JSON.stringify(o)).join(', ');
        const was = value === undefined ? 'required' : `${JSON.stringify(value)} is not allowed`;
        return [`${at}: ${was}: expected one of ${allowed}${didYouMean(value, issue.options)}`];
      }
      const closest = issue.errors ? closestOption(issue.errors) : undefined;
      if (closest) return closest.flatMap((i) => describeIssue(i, path, options));
      const types = (issue.errors ?? []).flatMap((issues) => issues.filter((i) => i.code === 'invalid_type' && i.path.length === 0).map((i) => i.expected));
      if (types.length > 0) return [`${at}: expected ${[...new Set(types)].join(' or ')}${options.input !== undefined ? `, got ${typeOf(valueAt(options.input, path))}` : ''}`];
      return [`${at}: ${issue.message}`];
    }
    case 'invalid_value': {
      const allowed = issue.values ?? [];
      const value = valueAt(options.input, path);
      const list = allowed.map((v) => JSON.stringify(v)).join(', ');
      const was = value === undefined ? '' : `${JSON.stringify(value)} is not allowed: `;
      return [`${at}: ${was}expected ${allowed.length === 1 ? list : `one of ${list}`}${didYouMean(value, allowed)}`];
    }
    default:
      return [`${at}: ${issue.message}`];
  }
}

/** Every problem of a failed parse, one line each (`path: message`), sorted by path. */
export function describeZodError(error: ZodError, options: DescribeOptions = {}): string[] {
  return (error.issues as unknown as Issue[]).flatMap((issue) => describeIssue(issue, [], options)).sort();
}

/** Every problem of a failed parse on one line: `path: message; path: message`. */
export function formatZodError(error: ZodError, options: DescribeOptions = {}): string {
  return describeZodError(error, options).join('; ');
}
