import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoCorpus } from '../../lib/demo/index.ts';

/** A small demo corpus in a temp folder, for end-to-end tests. */
export async function smallDemoCorpus(scale = 0.15): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'proxysel-demo-'));
  await buildDemoCorpus(join(dir, 'demo'), { scale });
  return { dir: join(dir, 'demo'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A quick job over the demo corpus: small sample, few members, few epochs. */
export function quickJob(corpusDir: string, output: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'e2e',
    corpus: { uri: join(corpusDir, 'corpus') },
    output,
    budget: { fraction: 0.3 },
    sample: { docs: 400, seed: 7 },
    reference: { kind: 'ngram', text: join(corpusDir, 'reference', 'brown-heldout.txt') },
    proxy: { kind: 'hashed-ensemble', members: 3, buckets: 1 << 14, epochs: 8 },
    ...overrides,
  };
}
