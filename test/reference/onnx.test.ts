import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxReferenceSchema, type OnnxReferenceSpec } from '../../lib/job/spec.ts';
import {
  createOnnxScorer,
  executionProvidersFor,
  OnnxDeviceUnavailableError,
  OnnxModelFolderError,
  OnnxModelSignatureError,
  planWindows,
} from '../../lib/reference/onnx/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { bytesToUnicode, referenceNlls, writeTinyModelFolder, type TinyCausalLm } from '../../bench/lib/tiny-causal-lm.ts';

const store = createStore();
let root: string;
let dir: string;
let model: TinyCausalLm;
let tokenizer: Tokenizer;

const TEXTS = [
  'the cat sat on the mat.',
  'There is a theory that the end is near, and that the others are there to see it.',
  'a',
  '',
  'Héllo wörld — naïve café ☕ 2024!',
  'she said that he would rather stay in the house than go to the station with them, and the dog sat on the log.',
  'In the beginning the word was spoken; then the people listened to the story of the sea and the stars.',
];

function spec(overrides: Partial<OnnxReferenceSpec> = {}): OnnxReferenceSpec {
  return onnxReferenceSchema.parse({ kind: 'onnx', model: dir, ...overrides });
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1e-12, Math.abs(b));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-onnx-'));
  const folder = await writeTinyModelFolder(join(root, 'model'), { merges: 40, width: 24, layers: 2, positionIds: true, bos: true, seed: 3, scale: 1.5 });
  dir = folder.dir;
  model = folder.model;
  tokenizer = new Tokenizer(folder.tokenizerJson, {});
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tiny byte-level BPE tokenizer', () => {
  it('applies the learned merges, prepends BOS and decodes back to the text', () => {
    const enc = tokenizer.encode('the cat sat on the mat');
    expect(enc.tokens[0]).toBe('<|endoftext|>');
    expect(enc.tokens).toContain('Ġthe');
    expect(enc.ids.length).toBeLessThan(1 + 'the cat sat on the mat'.length);
    expect(tokenizer.decode(enc.ids, { skip_special_tokens: true })).toBe('the cat sat on the mat');
  });
});

describe('onnx reference backend', () => {
  it('matches an independent float64 TypeScript computation of the model to 1e-5 relative', async () => {
    const scorer = await createOnnxScorer(spec({ batchSize: 3 }), { store });
    try {
      const scores = await scorer.score(TEXTS);
      TEXTS.forEach((t, i) => {
        const ids = tokenizer.encode(t).ids;
        expect(scores[i]!.tokens).toBe(ids.length);
        const want = mean(referenceNlls(model, ids));
        expect(relClose(scores[i]!.loss, want, 1e-5), `doc ${i}: ${scores[i]!.loss} vs ${want}`).toBe(true);
      });
      // The empty text is BOS alone: nothing to predict.
      expect(scores[3]).toEqual({ loss: 0, tokens: 1, nll: 0, bytes: 0 });
      // Losses differ between documents (the model is not uniform).
      expect(new Set(scores.map((s) => s.loss.toFixed(6))).size).toBeGreaterThan(4);
    } finally {
      await scorer.close();
    }
  });

  it('gives a document the same loss alone, in any batch and at any batch size (padding invariance)', async () => {
    const alone: number[] = [];
    const one = await createOnnxScorer(spec({ batchSize: 1 }), { store });
    for (const t of TEXTS) alone.push((await one.score([t]))[0]!.loss);
    await one.close();
    for (const batchSize of [2, 4, 16]) {
      const s = await createOnnxScorer(spec({ batchSize }), { store });
      const reversed = [...TEXTS].reverse();
      const scores = (await s.score(reversed)).reverse();
      await s.close();
      scores.forEach((sc, i) => expect(relClose(sc.loss, alone[i]!, 1e-6), `batch ${batchSize} doc ${i}`).toBe(true));
    }
  });

  it('truncates to maxTokens: scores the first maxTokens tokens, counts them all', async () => {
    const s = await createOnnxScorer(spec({ maxTokens: 8 }), { store });
    const [score] = await s.score([TEXTS[1]!]);
    await s.close();
    const ids = tokenizer.encode(TEXTS[1]!).ids;
    expect(ids.length).toBeGreaterThan(8);
    expect(score!.tokens).toBe(ids.length);
    expect(relClose(score!.loss, mean(referenceNlls(model, ids.slice(0, 8))), 1e-5)).toBe(true);
  });

  it('gives per-byte loss = summed NLL / UTF-8 bytes of the scored window (whole, truncated and sliding)', async () => {
    const text = TEXTS[4]! + ' ' + TEXTS[1]!; // multi-byte characters, longer than 8 tokens
    const ids = tokenizer.encode(text).ids;
    const tokens: string[] = tokenizer.encode(text).tokens;
    expect(ids.length).toBeGreaterThan(8);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // Independent byte count of the first 8 tokens: GPT-2's byte map inverted over the token strings (BOS has none).
    const byteOf = new Map(bytesToUnicode().map((c, b) => [c, b]));
    const windowBytes = tokens.slice(0, 8).filter((t) => t !== '<|endoftext|>').reduce((a, t) => a + [...t].length, 0);
    expect([...tokens.slice(1, 8).join('')].every((c) => byteOf.has(c))).toBe(true);

    const whole = await createOnnxScorer(spec(), { store });
    const [w] = await whole.score([text]);
    await whole.close();
    expect(w!.bytes).toBe(Buffer.byteLength(text, 'utf8'));
    expect(relClose(w!.nll, sum(referenceNlls(model, ids)), 1e-5)).toBe(true);
    expect(relClose(w!.nll / w!.bytes, sum(referenceNlls(model, ids)) / Buffer.byteLength(text, 'utf8'), 1e-5)).toBe(true);

    const cut = await createOnnxScorer(spec({ maxTokens: 8 }), { store });
    const [c] = await cut.score([text]);
    await cut.close();
    expect(c!.bytes).toBe(windowBytes);
    expect(c!.bytes).toBeLessThan(w!.bytes);
    expect(relClose(c!.nll / c!.bytes, sum(referenceNlls(model, ids.slice(0, 8))) / windowBytes, 1e-5)).toBe(true);

    const slide = await createOnnxScorer(spec({ maxTokens: 8, windows: 'sliding', stride: 3 }), { store });
    const [sl] = await slide.score([text]);
    await slide.close();
    expect(sl!.bytes).toBe(Buffer.byteLength(text, 'utf8'));
    expect(relClose(sl!.loss, sl!.nll / (ids.length - 1), 1e-9)).toBe(true);
  });

  it('scores every token once in sliding windows, each with the windowed context', async () => {
    const s = await createOnnxScorer(spec({ maxTokens: 8, windows: 'sliding', stride: 3 }), { store });
    const [score] = await s.score([TEXTS[5]!]);
    await s.close();
    const ids = tokenizer.encode(TEXTS[5]!).ids;
    // Independent: token t (t >= 1) is predicted in the first window [b, b + 8) that contains it as a non-first
    // token and starts after the previous window's end was scored.
    const nlls: number[] = [];
    let prevEnd = 1;
    for (let b = 0; prevEnd < ids.length; b += 3) {
      const w = ids.slice(b, b + 8);
      const from = prevEnd - b - 1;
      nlls.push(...referenceNlls(model, w, Math.max(0, from)));
      prevEnd = b + w.length;
    }
    expect(nlls.length).toBe(ids.length - 1);
    expect(score!.tokens).toBe(ids.length);
    expect(relClose(score!.loss, mean(nlls), 1e-5)).toBe(true);
  });

  it('plans windows that predict each token after the first exactly once', () => {
    const ids = Array.from({ length: 23 }, (_, i) => i);
    for (const [maxTokens, stride] of [[8, 3], [8, 7], [5, 1], [30, 4]] as const) {
      const predicted: number[] = [];
      const windows = planWindows(0, ids, { maxTokens, mode: 'sliding', stride });
      for (const w of windows) {
        expect(w.ids.length).toBeLessThanOrEqual(maxTokens);
        for (let p = w.scoreFrom; p < w.ids.length - 1; p++) predicted.push(w.ids[p + 1]!);
      }
      expect(predicted).toEqual(ids.slice(1));
    }
    expect(planWindows(0, [5], { maxTokens: 4, mode: 'sliding' })).toEqual([]);
  });

  it('refuses a model whose inputs differ, naming what was expected and found', async () => {
    const other = await writeTinyModelFolder(join(root, 'renamed'), { merges: 10, width: 8, inputNames: { ids: 'tokens', mask: 'mask' } });
    const err = await createOnnxScorer(spec({ model: other.dir }), { store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxModelSignatureError);
    expect((err as Error).message).toMatch(/expected a causal LM with inputs input_ids, attention_mask/);
    expect((err as Error).message).toMatch(/found inputs \[tokens, mask\]/);
    expect((err as Error).message).toMatch(/missing input_ids, attention_mask/);
  });

  it('names the missing file of an incomplete model folder', async () => {
    const other = await writeTinyModelFolder(join(root, 'incomplete'), { merges: 10, width: 8 });
    await unlink(join(other.dir, 'tokenizer.json'));
    const err = await createOnnxScorer(spec({ model: other.dir }), { store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxModelFolderError);
    expect((err as Error).message).toContain('tokenizer.json: missing');
  });

  it('asks onnxruntime for the CUDA provider on device "cuda" and fails at once where it is missing', async () => {
    expect(executionProvidersFor('cuda')).toEqual(['cuda', 'cpu']);
    expect(executionProvidersFor('cpu')).toEqual(['cpu']);
    const err = await createOnnxScorer(spec({ device: 'cuda' }), { store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxDeviceUnavailableError);
    // onnxruntime's own words show the CUDA provider was asked for; ours say there is no silent CPU fallback.
    expect((err as Error).message).toMatch(/Cuda|CUDA/);
    expect((err as Error).message).toContain('Not falling back to the CPU');
  });
});

describe('float16 logits', () => {
  it('decodes IEEE half-precision bits exactly', async () => {
    const { halfToFloat } = await import('../../lib/reference/onnx/index.ts');
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
  });
});
