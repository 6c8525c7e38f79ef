/**
 * The budget in real tokens, on a corpus whose documents differ more than 3x in tokens per byte: the demo corpus
 * (prose, emails, tables, base64, keyboard mash, minified code) under a byte-level BPE tokenizer trained on prose, as an
 * onnx reference. For several policies, the selection's tokens, recounted here with the tokenizer independently of the
 * pipeline, must lie in [0.99, 1.0] x budget and equal the manifest's `selected.tokens`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyCard } from '../../lib/run/index.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { reselect } from '../../lib/runner/reselect.ts';
import { selectionFromFlags } from '../../lib/cli/select.ts';
import type { Manifest } from '../../lib/manifest/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';
import { writeTinyModelFolder } from '../../bench/lib/tiny-causal-lm.ts';

const BUDGET = 60_000;
let corpus: { dir: string; cleanup: () => Promise<void> };
let work: string;
let tokenizer: Tokenizer;
let first: Awaited<ReturnType<typeof runJob>>;

const countTokens = (text: string) => tokenizer.encode(text).ids.length;

/** Every selected document, read back from the selection's files. */
async function selectedTexts(out: string, manifest: Manifest): Promise<string[]> {
  const texts: string[] = [];
  for (const shard of manifest.selected.shards) {
    const lines = gunzipSync(await readFile(join(out, shard.file))).toString('utf8').trim().split('\n');
    for (const line of lines) texts.push((JSON.parse(line) as { text: string }).text);
  }
  return texts;
}

/** The sampled documents' texts (a uniform sample of the corpus). */
async function sampleTexts(): Promise<string[]> {
  const lines = gunzipSync(await readFile(join(first.output, 'sample', 'sample.jsonl.gz'))).toString('utf8').trim().split('\n');
  return lines.map((l) => (JSON.parse(l) as { text: string }).text);
}

beforeAll(async () => {
  corpus = await smallDemoCorpus(0.06);
  work = await mkdtemp(join(tmpdir(), 'proxysel-real-tokens-'));
  const prose = (await readFile(join(corpus.dir, 'reference', 'brown-heldout.txt'), 'utf8')).slice(0, 200_000);
  const model = await writeTinyModelFolder(join(work, 'model'), { merges: 1600, text: prose, width: 8, seed: 3 });
  tokenizer = new Tokenizer(model.tokenizerJson, {});
  const spec = quickJob(corpus.dir, join(work, 'default'), {
    budget: { tokens: BUDGET },
    sample: { docs: 300, seed: 5 },
    reference: { kind: 'onnx', model: join(work, 'model'), maxTokens: 16, batchSize: 32 },
  });
  delete (spec as { policy?: unknown }).policy; // the default policy
  first = await runJob(spec, { workers: 0, log: silentLogger });
}, 600_000);

afterAll(async () => {
  await corpus?.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('the budget in real tokens', () => {
  it('runs on a corpus whose documents differ at least 3x in tokens per byte', async () => {
    const ratios = (await sampleTexts()).filter((t) => t.length >= 300).map((t) => countTokens(t) / Buffer.byteLength(t));
    expect(Math.max(...ratios) / Math.min(...ratios)).toBeGreaterThanOrEqual(3);
  });

  it('holds the default policy to the budget in real tokens, recounted independently, equal to selected.tokens, and names any shortfall', async () => {
    const m = first.manifest;
    expect(m.policy).toMatchObject({ kind: 'label-band', fill: 'ceiling' });
    expect(m.selected.tokenCount).toBe('exact');
    const real = (await selectedTexts(first.output, m)).reduce((a, t) => a + countTokens(t), 0);
    expect(real).toBe(m.selected.tokens);
    expect(real).toBeLessThanOrEqual(BUDGET);
    // A budget is a ceiling: the default fills it to within 1%, or says by how much and why it did not.
    if (m.selected.shortfall) {
      expect(m.selected.shortfall.amount).toBe(BUDGET - real);
      expect(m.selected.shortfall.reason).toMatch(/ceiling/);
    } else expect(real).toBeGreaterThanOrEqual(0.99 * BUDGET);
    expect(m.selected.budgetFill).toBe(real / BUDGET);
    expect(m.selected.estimatedTokens).toBe(m.selected.shards.reduce((a, s) => a + s.estimatedTokens, 0));
  });

  for (const policy of ['top', 'band', 'bottom', 'budget-band', 'label-band'] as const) {
    it(`fills the ${policy} policy within [0.99, 1.0] x budget in real tokens, recounted independently`, async () => {
      const out = first.output;
      // label-band with fill "always": the documents outside its band come after, so it fills the budget too.
      const flags = policy === 'label-band' ? { policy, fill: 'always' } : { policy };
      const { manifest: m } = await reselect(out, selectionFromFlags(flags), { store: createStore(), log: silentLogger });
      expect(m.policy).toMatchObject({ kind: policy });
      const real = (await selectedTexts(out, m)).reduce((a, t) => a + countTokens(t), 0);
      expect(real).toBe(m.selected.tokens);
      expect(real).toBeLessThanOrEqual(BUDGET);
      expect(real).toBeGreaterThanOrEqual(0.99 * BUDGET);
      // The estimate-only cut is recorded beside it with its real tokens.
      expect(m.selected.estimateOnly.tokens).not.toBeNull();
    });
  }

  it('estimates tokens per document far better than one tokens/byte ratio, and reports it per policy', async () => {
    const card = await readProxyCard(createStore(), join(first.output, 'proxy', 'card.json'));
    const t = card.tokens;
    expect(t.heldOut.meanAbsRelError).toBeLessThanOrEqual(t.singleRatio.heldOut.meanAbsRelError / 3);
    expect(t.byPolicy.map((p) => p.policy)).toEqual(['label-band', 'top', 'band', 'bottom', 'sample', 'budget-band']);
    for (const p of t.byPolicy) expect(p.n).toBeGreaterThan(0);
    expect(first.manifest.proxy.tokenEstimates.heldOut).toEqual(t.heldOut);
  });
});
