/** The benchmarks' cache of built demo corpora, keyed by the builder's sources so a changed builder rebuilds. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Hash of the demo corpus builder's sources: the cached corpus is rebuilt whenever the builder changes. */
export async function builderHash(): Promise<string> {
  const h = createHash('sha256');
  const dir = new URL('../../lib/demo/', import.meta.url);
  for (const name of (await readdir(dir)).sort()) h.update(name).update(await readFile(new URL(name, dir)));
  return h.digest('hex').slice(0, 12);
}

/**
 * Digest of a built corpus's bytes (every file under `dir`, in name order): what results computed from the corpus are
 * keyed by, so a change to the builder that leaves its output unchanged keeps them.
 */
export async function contentDigest(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (rel: string): Promise<void> => {
    for (const e of (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else h.update(r).update(await readFile(join(dir, r)));
    }
  };
  await walk('');
  return h.digest('hex').slice(0, 12);
}
