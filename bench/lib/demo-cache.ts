/** The benchmarks' cache of built demo corpora, keyed by the builder's sources so a changed builder rebuilds. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

/** Hash of the demo corpus builder's sources: the cached corpus is rebuilt whenever the builder changes. */
export async function builderHash(): Promise<string> {
  const h = createHash('sha256');
  const dir = new URL('../../lib/demo/', import.meta.url);
  for (const name of (await readdir(dir)).sort()) h.update(name).update(await readFile(new URL(name, dir)));
  return h.digest('hex').slice(0, 12);
}
