/**
 * A tiny job for the fault tests: three small shards (plain, gzip, and one of few long documents whose sample quota
 * exceeds its documents), a Brown-corpus reference text, a 2-member proxy. A whole run takes about a second.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { docHash } from '../../lib/select/index.ts';
import { brownDocs } from '../proxy/brown-docs.ts';

export interface TinyWorld {
  root: string;
  corpus: string;
  reference: string;
  cleanup(): Promise<void>;
}

const docs = brownDocs(700);

/** One JSONL line per document, ids `<prefix>-<i>`. */
export function jsonl(texts: readonly string[], prefix: string): string {
  return texts.map((text, i) => JSON.stringify({ id: `${prefix}-${i}`, text })).join('\n') + '\n';
}

/** Builds the corpus and reference text into a fresh temp folder. */
export async function tinyWorld(): Promise<TinyWorld> {
  const root = await mkdtemp(join(tmpdir(), 'proxysel-faults-'));
  const corpus = join(root, 'corpus');
  await mkdir(corpus, { recursive: true });
  await writeFile(join(corpus, 'a.jsonl'), jsonl(docs.slice(0, 150), 'a'));
  await writeFile(join(corpus, 'b.jsonl.gz'), gzipSync(jsonl(docs.slice(150, 300), 'b')));
  const long = Array.from({ length: 12 }, (_, i) => docs.slice(300 + i * 8, 308 + i * 8).join('\n'));
  await writeFile(join(corpus, 'c.jsonl'), jsonl(long, 'c'));
  const reference = join(root, 'reference.txt');
  await writeFile(reference, docs.slice(400).join('\n\n'));
  return { root, corpus, reference, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** The tiny job's spec into `output`. */
export function tinySpec(world: TinyWorld, output: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny',
    corpus: { uri: world.corpus },
    output,
    budget: { fraction: 0.3 },
    sample: { docs: 80, seed: 3 },
    reference: { kind: 'ngram', text: world.reference },
    proxy: { kind: 'hashed-ensemble', members: 2, buckets: 1024, epochs: 3 },
    ...overrides,
  };
}

/** Runs a spec with the local runner in this thread, silently. */
export function runTiny(spec: Record<string, unknown>) {
  return runJob(spec, { workers: 0, log: silentLogger });
}

/** Every file under `dir`, relative and `/`-separated, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/** What a user consumes from a run: manifest.json and every selected/ file, as bytes by key. */
export async function deliverables(output: string): Promise<Record<string, string>> {
  const keys = (await listFiles(output)).filter((k) => k === 'manifest.json' || k.startsWith('selected/'));
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = (await readFile(join(output, k))).toString('base64');
  return out;
}

/** Runs the job fresh into a new folder under the world and returns its deliverables (the expected bytes). */
export async function freshDeliverables(world: TinyWorld, overrides: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const out = await mkdtemp(join(world.root, 'fresh-'));
  await runTiny(tinySpec(world, out, overrides));
  return deliverables(out);
}

/** A document id whose sample hash is tiny, so the sampler of its shard is sure to pick it (seed as in tinySpec). */
export function idTheSamplerPicks(prefix: string, seed = 3): string {
  const sampleSeed = (seed + 0x9e3779b9) >>> 0;
  for (let i = 0; ; i++) if (docHash(`${prefix}-${i}`, sampleSeed) < 2 ** 32 / 5000) return `${prefix}-${i}`;
}

/** Copies a finished output folder (to run two variants from the same starting point). */
export async function copyOutput(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

export { docs as brownTexts };
