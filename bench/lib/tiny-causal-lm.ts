/**
 * Builds small causal-LM ONNX graphs (onnx-proto) with known, seeded weights, and a hand-made byte-level BPE
 * tokenizer.json that @huggingface/tokenizers loads: a model folder in the Hugging Face / Optimum layout for tests
 * and the benchmark. `referenceLogits` recomputes the model in float64 plain TypeScript, independently of onnxruntime.
 *
 * The model: token embedding (+ position embedding when the graph takes position_ids), then `layers` causal mixing
 * layers h += tanh(prefixMean(h) W + b), where prefixMean averages the attended positions up to and including each
 * position (attention_mask respected), then logits = h Wout + bout.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { mulberry32 } from '../../lib/seeded-random.ts';

const { onnx } = onnxProto;

/** mulberry32: a small seeded generator in [0, 1). */
export const seededRandom = mulberry32;

// ---------------------------------------------------------------- byte-level BPE tokenizer

/** GPT-2's reversible byte -> printable character map. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n += 1;
    }
  }
  const map: string[] = new Array(256);
  bs.forEach((b, i) => (map[b] = String.fromCodePoint(cs[i]!)));
  return map;
}

/** GPT-2's pre-tokenizer pattern (what the ByteLevel pre-tokenizer with use_regex splits on). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** A short English text the tokenizer's merges are learned from. */
export const TOKENIZER_TRAINING_TEXT =
  'the cat sat on the mat and the dog sat on the log. there is a theory that the end is near, and that the ' +
  'others are there to see it. in the beginning the word was spoken; then the people listened to the story of the ' +
  'sea and the stars. she said that he would rather stay in the house than go to the station with them. ' +
  'The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of times.';

export interface TinyTokenizerOptions {
  /** Merges learned (fewer if the training text runs out of pairs). */
  merges?: number;
  /** Prepend a BOS special token to every encoding (TemplateProcessing), as Llama-style tokenizers do. */
  bos?: boolean;
  text?: string;
}

/** Learns byte-level BPE merges from a text and returns a tokenizer.json object (vocab 256 bytes + merges + 1 special). */
export function buildByteLevelBpeTokenizer(opts: TinyTokenizerOptions = {}): { json: Record<string, unknown>; vocabSize: number; bosId: number } {
  const byteChar = bytesToUnicode();
  const enc = new TextEncoder();
  const words = new Map<string, number>();
  for (const m of (opts.text ?? TOKENIZER_TRAINING_TEXT).match(GPT2_SPLIT) ?? []) {
    const w = [...enc.encode(m)].map((b) => byteChar[b]!).join('\u0000');
    words.set(w, (words.get(w) ?? 0) + 1);
  }
  const seqs = [...words.entries()].map(([w, n]) => ({ parts: w.split('\u0000'), n }));
  const vocab: Record<string, number> = {};
  byteChar.forEach((c, i) => (vocab[c] = i));
  const merges: string[] = [];
  const want = opts.merges ?? 40;
  // Pair counts kept up to date incrementally: a merge only rescans the words that hold its pair.
  const pairs = new Map<string, number>();
  const holders = new Map<string, Set<number>>();
  const count = (index: number, sign: 1 | -1) => {
    const s = seqs[index]!;
    for (let i = 0; i + 1 < s.parts.length; i++) {
      const k = `${s.parts[i]} ${s.parts[i + 1]}`;
      const c = (pairs.get(k) ?? 0) + sign * s.n;
      if (c > 0) pairs.set(k, c);
      else pairs.delete(k);
      if (sign > 0) {
        const set = holders.get(k);
        if (set) set.add(index);
        else holders.set(k, new Set([index]));
      }
    }
  };
  seqs.forEach((_, index) => count(index, 1));
  while (merges.length < want) {
    if (pairs.size === 0) break;
    // The most frequent pair, ties to the lexicographically smallest.
    let best = '';
    let bestCount = -1;
    for (const [k, c] of pairs) if (c > bestCount || (c === bestCount && k < best)) [best, bestCount] = [k, c];
    const [l, r] = best.split(' ') as [string, string];
    merges.push(best);
    vocab[l + r] = Object.keys(vocab).length;
    for (const index of holders.get(best) ?? []) {
      const s = seqs[index]!;
      count(index, -1);
      const parts: string[] = [];
      for (let i = 0; i < s.parts.length; i++) {
        if (i + 1 < s.parts.length && s.parts[i] === l && s.parts[i + 1] === r) {
          parts.push(l + r);
          i += 1;
        } else parts.push(s.parts[i]!);
      }
      s.parts = parts;
      count(index, 1);
    }
    holders.delete(best);
  }
  return byteLevelTokenizerJson(vocab, merges, opts.bos ?? false);
}

/**
 * A byte-level BPE tokenizer.json object (GPT-2 pre-tokenizer and decoder) from a vocabulary and its ranked merges,
 * plus one special token `<|endoftext|>` after the vocabulary; with `withBos`, every encoding starts with it.
 */
export function byteLevelTokenizerJson(
  vocab: Record<string, number>,
  merges: string[],
  withBos: boolean,
): { json: Record<string, unknown>; vocabSize: number; bosId: number } {
  const bosId = Object.keys(vocab).length;
  const bos = '<|endoftext|>';
  vocab[bos] = bosId;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: bosId, content: bos, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: withBos
      ? {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [bos]: { id: bos, ids: [bosId], tokens: [bos] } },
        }
      : byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  return { json, vocabSize: bosId + 1, bosId };
}

// ---------------------------------------------------------------- the causal LM

export interface TinyCausalLmOptions {
  vocab: number;
  width: number;
  layers?: number;
  /** Declare a position_ids input (and add a learned position embedding of `maxPositions` rows). */
  positionIds?: boolean;
  maxPositions?: number;
  seed?: number;
  /** Standard deviation-ish scale of the random weights. */
  scale?: number;
  /** Rename the inputs (to test the signature check). */
  inputNames?: { ids?: string; mask?: string };
}

/** Weights of a tiny causal LM, row-major. */
export interface TinyCausalLm {
  vocab: number;
  width: number;
  maxPositions: number;
  positionIds: boolean;
  emb: Float32Array; // [V, D]
  pos?: Float32Array; // [P, D]
  layers: { w: Float32Array; b: Float32Array }[]; // [D, D], [D]
  wOut: Float32Array; // [D, V]
  bOut: Float32Array; // [V]
}

export function createTinyCausalLm(opts: TinyCausalLmOptions): TinyCausalLm {
  const rand = seededRandom(opts.seed ?? 1);
  const s = opts.scale ?? 0.5;
  const arr = (n: number, scale = s) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const { vocab: V, width: D } = opts;
  const P = opts.maxPositions ?? 512;
  return {
    vocab: V,
    width: D,
    maxPositions: P,
    positionIds: opts.positionIds ?? false,
    emb: arr(V * D),
    pos: opts.positionIds ? arr(P * D, s / 4) : undefined,
    layers: Array.from({ length: opts.layers ?? 1 }, () => ({ w: arr(D * D, s / Math.sqrt(D) * 2), b: arr(D, s / 4) })),
    wOut: arr(D * V, s * 2 / Math.sqrt(D) * 2),
    bOut: arr(V, s / 2),
  };
}

const FLOAT = 1;
const INT64 = 7;

function floatInit(name: string, dims: number[], data: Float32Array) {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** The ONNX bytes of a tiny causal LM (opset 17). */
export function tinyCausalLmOnnx(m: TinyCausalLm, opts: Pick<TinyCausalLmOptions, 'inputNames'> = {}): Uint8Array {
  const idsName = opts.inputNames?.ids ?? 'input_ids';
  const maskName = opts.inputNames?.mask ?? 'attention_mask';
  const D = m.width;
  const V = m.vocab;
  const nodes: Record<string, unknown>[] = [];
  const inits: Record<string, unknown>[] = [
    floatInit('emb', [V, D], m.emb),
    floatInit('w_out', [D, V], m.wOut),
    floatInit('b_out', [V], m.bOut),
    floatInit('one', [], Float32Array.of(1)),
    { name: 'axis1', dims: [], dataType: INT64, int64Data: [1] },
    { name: 'axes2', dims: [1], dataType: INT64, int64Data: [2] },
  ];
  const node = (opType: string, input: string[], output: string, attribute: Record<string, unknown>[] = []) =>
    nodes.push({ opType, input, output: [output], name: `${opType}_${nodes.length}`, attribute });
  node('Gather', ['emb', idsName], 'tok_emb');
  let h = 'tok_emb';
  if (m.positionIds) {
    inits.push(floatInit('pos', [m.maxPositions, D], m.pos!));
    node('Gather', ['pos', 'position_ids'], 'pos_emb');
    node('Add', ['tok_emb', 'pos_emb'], 'h_in');
    h = 'h_in';
  }
  node('Cast', [maskName], 'mask_f', [{ name: 'to', type: 2, i: FLOAT }]);
  node('Unsqueeze', ['mask_f', 'axes2'], 'mask3');
  node('CumSum', ['mask3', 'axis1'], 'count_raw');
  node('Max', ['count_raw', 'one'], 'count');
  m.layers.forEach((layer, k) => {
    inits.push(floatInit(`w${k}`, [D, D], layer.w), floatInit(`b${k}`, [D], layer.b));
    node('Mul', [h, 'mask3'], `masked${k}`);
    node('CumSum', [`masked${k}`, 'axis1'], `sum${k}`);
    node('Div', [`sum${k}`, 'count'], `mean${k}`);
    node('MatMul', [`mean${k}`, `w${k}`], `proj${k}`);
    node('Add', [`proj${k}`, `b${k}`], `pre${k}`);
    node('Tanh', [`pre${k}`], `act${k}`);
    node('Add', [h, `act${k}`], `h${k}`);
    h = `h${k}`;
  });
  node('MatMul', [h, 'w_out'], 'logits_raw');
  node('Add', ['logits_raw', 'b_out'], 'logits');
  const intInput = (name: string) => ({
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  });
  const inputs = [intInput(idsName), intInput(maskName)];
  if (m.positionIds) inputs.push(intInput('position_ids'));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'proxysel-tests',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny_causal_lm',
      node: nodes,
      initializer: inits,
      input: inputs,
      output: [
        {
          name: 'logits',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: V }] } } },
        },
      ],
    },
  } as never);
  return onnx.ModelProto.encode(model).finish();
}

/** Logits [L, V] of one unpadded sequence, in float64 plain TypeScript (independent of onnxruntime). */
export function referenceLogits(m: TinyCausalLm, ids: number[]): Float64Array[] {
  const D = m.width;
  const V = m.vocab;
  let h = ids.map((id, p) => {
    const row = new Float64Array(D);
    for (let d = 0; d < D; d++) row[d] = m.emb[id * D + d]! + (m.pos ? m.pos[p * D + d]! : 0);
    return row;
  });
  for (const layer of m.layers) {
    const sum = new Float64Array(D);
    h = h.map((row, p) => {
      for (let d = 0; d < D; d++) sum[d]! += row[d]!;
      const out = new Float64Array(D);
      for (let j = 0; j < D; j++) {
        let z = layer.b[j]!;
        for (let d = 0; d < D; d++) z += (sum[d]! / (p + 1)) * layer.w[d * D + j]!;
        out[j] = row[j]! + Math.tanh(z);
      }
      return out;
    });
  }
  return h.map((row) => {
    const logits = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let z = m.bOut[v]!;
      for (let d = 0; d < D; d++) z += row[d]! * m.wOut[d * V + v]!;
      logits[v] = z;
    }
    return logits;
  });
}

/** Mean next-token NLL (nats) of predictions at positions [from, ids.length - 1) computed by referenceLogits. */
export function referenceNlls(m: TinyCausalLm, ids: number[], from = 0): number[] {
  const logits = referenceLogits(m, ids);
  const out: number[] = [];
  for (let p = from; p < ids.length - 1; p++) {
    const row = logits[p]!;
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0));
    out.push(lse - row[ids[p + 1]!]!);
  }
  return out;
}

export interface TinyModelFolderOptions extends Partial<TinyCausalLmOptions>, TinyTokenizerOptions {}

/**
 * Writes a model folder in the Hugging Face / Optimum layout (model.onnx, tokenizer.json, config.json) into `dir`.
 * The model's vocabulary defaults to the tokenizer's.
 */
export async function writeTinyModelFolder(
  dir: string,
  opts: TinyModelFolderOptions = {},
): Promise<{ dir: string; model: TinyCausalLm; tokenizerJson: Record<string, unknown>; bosId: number }> {
  const tok = buildByteLevelBpeTokenizer(opts);
  const model = createTinyCausalLm({ ...opts, width: opts.width ?? 16, vocab: Math.max(opts.vocab ?? 0, tok.vocabSize) });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), tinyCausalLmOnnx(model, { inputNames: opts.inputNames }));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tok.json));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'tiny-causal-lm', vocab_size: model.vocab, hidden_size: model.width, num_hidden_layers: model.layers.length, max_position_embeddings: model.maxPositions }),
  );
  return { dir, model, tokenizerJson: tok.json, bosId: tok.bosId };
}

// ---------------------------------------------------------------- a tiny corpus

const CORPUS_WORDS = 'the cat sat on mat and dog log there is a theory that end near others are see it she said he would rather stay in house station story sea stars'.split(' ');

/** A tiny corpus: `shards` .jsonl.gz files of seeded pseudo-English documents of varied length. */
export async function writeTinyCorpus(dir: string, shards = 3, docsPerShard = 80): Promise<void> {
  const rand = seededRandom(21);
  await mkdir(dir, { recursive: true });
  for (let s = 0; s < shards; s++) {
    const lines: string[] = [];
    for (let d = 0; d < docsPerShard; d++) {
      const n = 4 + Math.floor(rand() * 60);
      const text = Array.from({ length: n }, () => CORPUS_WORDS[Math.floor(rand() * CORPUS_WORDS.length)]).join(' ') + '.';
      lines.push(JSON.stringify({ id: `s${s}-d${d}`, text }));
    }
    await writeFile(join(dir, `part-${s}.jsonl.gz`), gzipSync(lines.join('\n') + '\n'));
  }
}

