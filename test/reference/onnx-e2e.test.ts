import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { writeTinyCorpus, writeTinyModelFolder } from '../../bench/lib/tiny-causal-lm.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-onnx-e2e-'));
  await writeTinyCorpus(join(root, 'corpus'));
  await writeTinyModelFolder(join(root, 'model'), { merges: 40, width: 16, positionIds: true, bos: true, seed: 9, scale: 1.5 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a job with reference.kind "onnx" (HF/Optimum model folder)', () => {
  it('runs end to end with the local runner and labels the sample with the causal LM', async () => {
    const output = join(root, 'out') + '/';
    const result = await runJob(
      {
        name: 'onnx-e2e',
        corpus: { uri: join(root, 'corpus') },
        output,
        budget: { fraction: 0.3 },
        sample: { docs: 60, seed: 2 },
        reference: { kind: 'onnx', model: join(root, 'model'), maxTokens: 32, windows: 'sliding', stride: 16, batchSize: 8 },
        proxy: { kind: 'hashed-ensemble', members: 2, buckets: 1 << 12, epochs: 3, minSpearman: -1 },
      },
      { workers: 0, log: silentLogger },
    );
    expect(result.manifestUri).toContain('manifest.json');
    const labels = gunzipSync(await readFile(join(output, 'reference', 'labels.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { loss: number; tokens: number });
    expect(labels.length).toBe(60);
    for (const l of labels) {
      expect(l.loss).toBeGreaterThan(0);
      expect(Number.isFinite(l.loss)).toBe(true);
    }
    // Documents differ, and so do their losses under the model.
    expect(new Set(labels.map((l) => l.loss.toFixed(5))).size).toBeGreaterThan(30);
  });
});
