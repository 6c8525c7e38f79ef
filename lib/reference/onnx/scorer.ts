import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import type { OnnxReferenceSpec } from '../../job/index.ts';
import type { ReferenceScore, ReferenceScorer } from '../types.ts';
import { halfToFloat, nextTokenNll } from './log-softmax.ts';
import { loadModelFolder } from './model-folder.ts';
import { openCausalLmSession, type CausalLmSession } from './session.ts';
import type { OnnxScorerDeps, TokenWindow } from './types.ts';
import { planWindows, type WindowOptions } from './windows.ts';

/** Sums of one document's scored next-token NLLs. */
interface Accumulator {
  nll: number;
  count: number;
}

function tensorOf(type: 'int64' | 'int32', values: number[], dims: number[]): ort.Tensor {
  return type === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims)
    : new ort.Tensor('int32', Int32Array.from(values), dims);
}

/** Logits as plain numbers, whatever the float type of the export. */
function logitsData(t: ort.Tensor): ArrayLike<number> {
  if (t.type === 'float32' || t.type === 'float64') return t.data as Float32Array | Float64Array;
  if (t.type === 'float16') {
    const bits = t.data as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = halfToFloat(bits[i]!);
    return out;
  }
  throw new Error(`logits of type ${t.type} are not supported (expected float32, float16 or float64)`);
}

/**
 * Runs windows (already sorted by length) in batches of `batchSize`, right-padded with attention_mask 0, and adds each
 * scored next-token NLL to its document's accumulator. Right padding keeps every real token's inputs unchanged in a
 * causal model, so a document's loss does not depend on what it is batched with.
 */
async function runWindows(lm: CausalLmSession, windows: TokenWindow[], batchSize: number, padId: number, acc: Accumulator[]): Promise<void> {
  for (let i = 0; i < windows.length; i += batchSize) {
    const batch = windows.slice(i, i + batchSize);
    const len = Math.max(...batch.map((w) => w.ids.length));
    const ids: number[] = [];
    const mask: number[] = [];
    const pos: number[] = [];
    for (const w of batch) {
      for (let p = 0; p < len; p++) {
        const real = p < w.ids.length;
        ids.push(real ? w.ids[p]! : padId);
        mask.push(real ? 1 : 0);
        pos.push(real ? p : 0);
      }
    }
    const dims = [batch.length, len];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: tensorOf(lm.idType, ids, dims),
      attention_mask: tensorOf(lm.idType, mask, dims),
    };
    if (lm.positionIds) feeds.position_ids = tensorOf(lm.idType, pos, dims);
    const out = await lm.session.run(feeds);
    const logits = out[lm.logitsName]!;
    const [b, l, vocab] = logits.dims as number[];
    if (b !== batch.length || l !== len || vocab === undefined) {
      throw new Error(`logits have shape [${logits.dims.join(', ')}], expected [${batch.length}, ${len}, vocab]`);
    }
    const data = logitsData(logits);
    batch.forEach((w, bi) => {
      const a = acc[w.doc]!;
      for (let p = w.scoreFrom; p < w.ids.length - 1; p++) {
        a.nll += nextTokenNll(data, (bi * len + p) * vocab, vocab, w.ids[p + 1]!);
        a.count += 1;
      }
    });
    for (const t of Object.values(out)) t.dispose?.();
  }
}

/**
 * UTF-8 bytes of the text the scored window covers: the whole document, unless `truncate` cut it to maxTokens tokens;
 * then the bytes of those tokens decoded (special tokens skipped, a multi-byte character cut in half not counted).
 */
export function coveredBytes(tokenizer: Tokenizer, text: string, ids: number[], opts: WindowOptions): number {
  if (opts.mode === 'sliding' || ids.length <= opts.maxTokens) return Buffer.byteLength(text, 'utf8');
  const prefix = tokenizer.decode(ids.slice(0, opts.maxTokens), { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  return Buffer.byteLength(prefix.replace(/\uFFFD+$/u, ''), 'utf8');
}

/**
 * The onnx reference backend: a causal LM exported in the Hugging Face / Optimum layout (model.onnx, tokenizer.json,
 * config.json), scored with onnxruntime-node on the CPU or the CUDA execution provider. Each document's loss is its
 * mean next-token NLL in nats over the scored tokens (the first maxTokens, or all of them in sliding windows), beside
 * the summed NLL and the UTF-8 bytes of the text those tokens cover (`coveredBytes`: nll / bytes is the loss per byte);
 * its token count is the tokenizer's count for the whole document (special tokens the tokenizer adds included).
 * A document with fewer than two tokens has nothing to predict and gets loss 0.
 */
export async function createOnnxScorer(spec: OnnxReferenceSpec, deps: OnnxScorerDeps): Promise<ReferenceScorer> {
  const folder = await loadModelFolder(deps.store, spec.model);
  const tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  let lm: CausalLmSession;
  try {
    lm = await openCausalLmSession(folder.modelPath, spec.device);
  } catch (err) {
    await folder.cleanup();
    throw err;
  }
  const padId = folder.config.pad_token_id ?? 0;
  const windowOpts = { maxTokens: spec.maxTokens, mode: spec.windows, stride: spec.stride };
  const description = `onnx(${folder.config.model_type ?? 'causal-lm'}, maxTokens=${spec.maxTokens}, ${spec.windows}, ${spec.device})`;
  return {
    description,
    async score(texts: string[]): Promise<ReferenceScore[]> {
      const tokenCounts: number[] = [];
      const windowBytes: number[] = [];
      const windows: TokenWindow[] = [];
      texts.forEach((text, doc) => {
        const ids = tokenizer.encode(text).ids;
        tokenCounts.push(ids.length);
        windowBytes.push(coveredBytes(tokenizer, text, ids, windowOpts));
        windows.push(...planWindows(doc, ids, windowOpts));
      });
      // Batch by length to limit padding; the sort is stable, so equal lengths keep document order (deterministic).
      windows.sort((a, b) => a.ids.length - b.ids.length);
      const acc: Accumulator[] = texts.map(() => ({ nll: 0, count: 0 }));
      await runWindows(lm, windows, spec.batchSize, padId, acc);
      return acc.map((a, i) => ({ loss: a.count > 0 ? a.nll / a.count : 0, tokens: tokenCounts[i]!, nll: a.nll, bytes: windowBytes[i]! }));
    },
    async close() {
      await lm.session.release();
      await folder.cleanup();
    },
  };
}
