import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobSpecSchema } from '../../lib/job/spec.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { trainNgramModel } from '../../lib/reference/ngram/index.ts';
import { writeTinyCorpus, writeTinyModelFolder } from '../../bench/lib/tiny-causal-lm.ts';

let root: string;
/** The text the user wants more of: sentences about cats and mats (the tiny corpus mixes these words with others). */
const TARGET_TEXT = Array.from({ length: 200 }, (_, i) =>
  i % 2 === 0 ? 'the cat sat on the mat and the cat is there.' : 'she said the cat would rather stay on the mat.',
).join('\n');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-reducible-'));
  await writeTinyCorpus(join(root, 'corpus'), 2, 60);
  await writeTinyModelFolder(join(root, 'model'), { merges: 40, width: 16, positionIds: true, bos: true, seed: 9, scale: 1.5 });
  await writeFile(join(root, 'target.txt'), TARGET_TEXT);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Label {
  id: string;
  loss: number;
  nll: number;
  bytes: number;
  tokens: number;
  smallLoss: number;
  smallNll: number;
  smallBytes: number;
}

const jsonl = async <T>(path: string): Promise<T[]> =>
  gunzipSync(await readFile(path)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

describe('the reducible target with targetText', () => {
  it('needs a smallReference or a targetText, not both, and targetText only with target "reducible"', () => {
    const base = { name: 'x', corpus: { uri: 'c' }, output: 'o', budget: { fraction: 0.1 }, reference: { kind: 'ngram', text: 't' } };
    expect(jobSpecSchema.safeParse({ ...base, target: 'reducible', targetText: 'target.txt' }).success).toBe(true);
    expect(jobSpecSchema.safeParse({ ...base, target: 'reducible' }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, target: 'reducible', targetText: 'a', smallReference: { kind: 'ngram', text: 'b' } }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, targetText: 'a' }).success).toBe(false);
    // Per token, an onnx model's BPE tokens and the n-gram's words cannot be subtracted: only per byte.
    const onnx = { ...base, reference: { kind: 'onnx', model: 'm' }, target: 'reducible', targetText: 'a' };
    const mixed = jobSpecSchema.safeParse({ ...onnx, lossUnit: 'token' });
    expect(mixed.success).toBe(false);
    expect(mixed.error!.issues.map((i) => i.path.join('.'))).toEqual(['lossUnit']);
    expect(jobSpecSchema.safeParse(onnx).success).toBe(true);
  });

  it('trains the n-gram small reference on targetText and learns large minus small loss, both per byte', async () => {
    const output = join(root, 'out') + '/';
    const result = await runJob(
      {
        name: 'reducible-bytes',
        corpus: { uri: join(root, 'corpus') },
        output,
        budget: { fraction: 0.3 },
        sample: { docs: 50, seed: 3 },
        reference: { kind: 'onnx', model: join(root, 'model'), maxTokens: 24, windows: 'truncate', batchSize: 8 },
        target: 'reducible',
        targetText: join(root, 'target.txt'),
        policy: { kind: 'reducible' },
        proxy: { kind: 'hashed-ensemble', members: 2, buckets: 1 << 12, epochs: 3, heldOut: 0.3, minSpearman: -1 },
      },
      { workers: 0, log: silentLogger },
    );
    const labels = await jsonl<Label>(join(output, 'reference', 'labels.jsonl.gz'));
    const sample = new Map((await jsonl<{ id: string; text: string }>(join(output, 'sample', 'sample.jsonl.gz'))).map((s) => [s.id, s.text]));
    expect(labels).toHaveLength(50);

    // The small reference is the embedded n-gram trained on targetText: recompute it independently.
    const small = await trainNgramModel(TARGET_TEXT, { order: 3 });
    const perByte: number[] = [];
    for (const l of labels) {
      const text = sample.get(l.id)!;
      const s = small.scoreText(text);
      expect(l.smallNll).toBeCloseTo(s.nll, 9);
      expect(l.smallBytes).toBe(Buffer.byteLength(text, 'utf8'));
      expect(l.smallLoss).toBeCloseTo(s.loss, 9);
      // The onnx large model truncates at 24 tokens: its bytes are those of the window, never more than the document.
      expect(l.bytes).toBeLessThanOrEqual(Buffer.byteLength(text, 'utf8'));
      if (l.tokens <= 24) expect(l.bytes).toBe(Buffer.byteLength(text, 'utf8'));
      perByte.push(l.nll / l.bytes - l.smallNll / l.smallBytes);
    }
    // The proxy's held-out targets are exactly large per byte minus small per byte (not per token, not mixed units).
    const heldOut = JSON.parse(await readFile(join(output, 'proxy', 'held-out.json'), 'utf8')) as { reference: number[] };
    expect(heldOut.reference.length).toBeGreaterThan(5);
    for (const r of heldOut.reference) expect(Math.min(...perByte.map((v) => Math.abs(v - r))), `held-out target ${r}`).toBeLessThan(1e-5);

    const card = JSON.parse(await readFile(join(output, 'proxy', 'card.json'), 'utf8')) as { target: string; lossUnit: string };
    expect(card).toMatchObject({ target: 'reducible', lossUnit: 'byte' });
    const m = result.manifest;
    expect(m.proxy).toMatchObject({ target: 'reducible', lossUnit: 'byte' });
    const sumSmall = labels.reduce((a, l) => a + l.smallNll, 0) / labels.reduce((a, l) => a + l.smallBytes, 0);
    expect(m.reference.meanSmallLossPerByte).toBeCloseTo(sumSmall, 9);
    expect(m.reference.meanLossPerByte).toBeCloseTo(labels.reduce((a, l) => a + l.nll, 0) / labels.reduce((a, l) => a + l.bytes, 0), 9);
  });
});
