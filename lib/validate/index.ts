/** One way to turn a failed zod parse into words: every problem as `path: message`, the path as `a.b[0].c`. */
import type { ZodError } from 'zod';

/** `corpus.textField`-style path of one zod issue, `(root)` for the value itself. */
export function issuePath(path: readonly PropertyKey[], root = '(root)'): string {
  if (path.length === 0) return root;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Every problem of a failed parse, one line each (`path: message`), sorted by path for stable messages. */
export function describeZodError(error: ZodError, root = '(root)'): string[] {
  return error.issues.map((issue) => `${issuePath(issue.path, root)}: ${issue.message}`).sort();
}

/** Every problem of a failed parse on one line: `path: message; path: message`. */
export function formatZodError(error: ZodError, root = '(root)'): string {
  return describeZodError(error, root).join('; ');
}
