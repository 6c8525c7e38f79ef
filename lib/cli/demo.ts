import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDemoCorpus } from '../demo/index.ts';
import type { Logger } from '../pipeline/index.ts';

/** Version of the demo corpus layout: bump to rebuild caches after the builder changes. */
const DEMO_CORPUS_VERSION = 'v3';

/** Where the demo corpus is cached, shared by every demo run on this machine. */
export function demoCacheDir(env: NodeJS.ProcessEnv = process.env, scale = 1): string {
  const base = env.PROXYSEL_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'proxysel');
  return join(resolve(base), `demo-corpus-${DEMO_CORPUS_VERSION}-scale${scale}`);
}

/** Builds the demo corpus into the cache unless a complete one is there. */
export async function ensureDemoCorpus(dir: string, scale: number, log: Logger): Promise<void> {
  if (existsSync(join(dir, '_COMPLETE.json'))) {
    log.info(`demo corpus: ${dir} (cached)`);
    return;
  }
  log.info(`demo corpus: building into ${dir} ...`);
  const info = await buildDemoCorpus(dir, { scale });
  log.info(`demo corpus: ${info.docs} documents in ${info.shards} shards (${(info.junkShare * 100).toFixed(0)}% generated junk)`);
}

/** The demo job spec: examples/demo-job.json with its paths pointed at the cached corpus and the output folder. */
export async function demoJobSpec(corpusDir: string, out: string): Promise<Record<string, unknown>> {
  const template = JSON.parse(await readFile(new URL('../../examples/demo-job.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const corpus = template.corpus as Record<string, unknown>;
  const reference = template.reference as Record<string, unknown>;
  return {
    ...template,
    corpus: { ...corpus, uri: join(corpusDir, String(corpus.uri)) },
    reference: { ...reference, text: join(corpusDir, String(reference.text)) },
    ...(typeof template.labels === 'string' ? { labels: join(corpusDir, template.labels) } : {}),
    output: resolve(out),
  };
}
