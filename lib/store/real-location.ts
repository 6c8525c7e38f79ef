import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseUri } from './uri.ts';

/**
 * Where a location really is, for comparing two locations: an `s3://` URI as given; a local path or `file://` URL as an
 * absolute path with `.` and `..` taken out and the symbolic links of its longest existing ancestor resolved (the
 * parts that do not exist yet are appended as written). So `alias/out`, where `alias` links to the corpus, is the
 * corpus's `out` even before `out` exists. Never throws for a local path: an unreadable ancestor stops the resolution
 * there. A trailing `/` is kept.
 */
export async function realLocation(uri: string): Promise<string> {
  const parsed = parseUri(uri);
  if (parsed.scheme !== 'file') return uri;
  const trailing = /[\\/]$/.test(parsed.path) ? '/' : '';
  let existing = resolve(parsed.path);
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      const found = join(real, ...missing.reverse());
      return trailing && !found.endsWith('/') ? found + trailing : found;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(parsed.path) + trailing;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}
