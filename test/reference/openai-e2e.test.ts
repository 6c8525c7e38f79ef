import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { tokenizeWords, trainNgramModel } from '../../lib/reference/ngram/index.ts';
import { expectedLoss, ngramPromptLm, startLogprobServer, type LogprobServer } from '../helpers/logprob-server.ts';
import { writeTinyCorpus } from '../../bench/lib/tiny-causal-lm.ts';

const lm = ngramPromptLm(
  await trainNgramModel('the cat sat on the mat. the dog sat on the log. she said that the end is near. the others are there to see it.', { order: 3 }),
  tokenizeWords,
);
let root: string;
let server: LogprobServer;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-openai-e2e-'));
  await writeTinyCorpus(join(root, 'corpus'));
  server = await startLogprobServer({ lm });
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('a job with reference.kind "openai" (local logprob server)', () => {
  it('runs end to end with the local runner and labels the sample with the served logprobs', async () => {
    const output = join(root, 'out') + '/';
    await runJob(
      {
        name: 'openai-e2e',
        corpus: { uri: join(root, 'corpus') },
        output,
        budget: { fraction: 0.3 },
        sample: { docs: 40, seed: 2 },
        reference: { kind: 'openai', url: server.url, model: 'test-lm', concurrency: 4 },
        proxy: { kind: 'hashed-ensemble', members: 2, buckets: 1 << 12, epochs: 3, minSpearman: -1 },
      },
      { workers: 0, log: silentLogger },
    );
    const sample = new Map(
      gunzipSync(await readFile(join(output, 'sample', 'sample.jsonl.gz')))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; text: string })
        .map((d) => [d.id, d.text]),
    );
    const labels = gunzipSync(await readFile(join(output, 'reference', 'labels.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; loss: number; tokens: number });
    expect(labels.length).toBe(40);
    expect(server.requests).toBeGreaterThanOrEqual(40);
    for (const l of labels) {
      const want = expectedLoss(lm, sample.get(l.id)!, 1024);
      expect(l.tokens).toBe(want.tokens);
      expect(l.loss).toBeCloseTo(want.loss, 8);
    }
  });
});
