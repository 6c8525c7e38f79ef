/**
 * The benchmark's "large model": a small GPT pretrained on held-out Brown text (whole files the demo corpus never
 * holds), with its own byte-level BPE tokenizer, exported as an HF/Optimum model folder (model.onnx, tokenizer.json,
 * config.json) that proxysel loads as `reference.kind: "onnx"`. Built once per set of build inputs (cached under a
 * folder named by their hash); the build is seeded.
 *
 * The held-out Brown files are split (by a seeded hash of the file name) into the pretraining text, the `targetText`
 * sample a user would hand proxysel, and the evaluation target: clean text the continued training should improve.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { readBrown, splitBrown } from '../../../lib/demo/index.ts';
import { docHash } from '../../../lib/select/index.ts';
import { trainByteLevelBpe } from './bpe.ts';
import { ensureTorch, GPT_SCRIPT, runGpt } from './python.ts';

/**
 * Shape and training of the GPT: with the sources of the tokenizer trainer and of the held-out split, the cache key of a
 * build. Bump `version` when gpt.py's model or pretraining changes (its other subcommands do not touch the build).
 */
export const MODEL_BUILD = {
  version: 1,
  seed: 1,
  /** The demo corpus seed whose held-out Brown files are used. */
  corpusSeed: 1,
  vocab: 2048,
  model: { width: 128, layers: 2, heads: 4, context: 128 },
  /** Pretraining tokens at most (the first of the pretraining text), and passes over them. */
  maxPretrainTokens: 300_000,
  epochs: 1,
  batch: 16,
  lr: 3e-3,
  warmup: 0.05,
  /** Shares of the held-out Brown files: pretraining, targetText, evaluation target (the rest). */
  split: { pretrain: 0.75, targetText: 0.1 },
} as const;

/** Evaluation target tokens at most (the first of the target files): every row pays for one pass over it. */
export const TARGET_TOKENS = 192 * (MODEL_BUILD.model.context + 1);

/** A built model folder and the texts around it. */
export interface BuiltModel {
  /** Cache folder of this build. */
  dir: string;
  /** HF/Optimum model folder for proxysel. */
  modelDir: string;
  tokenizer: Tokenizer;
  /** UTF-8 bytes of each token id (0 for the special token). */
  tokenBytes: Uint16Array;
  bosId: number;
  context: number;
  shape: { width: number; layers: number; heads: number; vocab: number };
  params: number;
  /** Held-out Brown text in the user's `targetText` role (never trained on, never evaluated). */
  targetTextPath: string;
  /** The evaluation target as tokens (documents each starting with the special token). */
  targetTokensPath: string;
  pretrainTokens: number;
  buildSeconds: number;
}

export function writeU16(path: string, values: ArrayLike<number>): Promise<void> {
  const a = Uint16Array.from(values as ArrayLike<number>);
  return writeFile(path, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

/**
 * Cache key of a build: its settings, the tokenizer trainer's source, and the held-out texts themselves (not the demo
 * readers' sources, so moving or restyling that code does not rebuild a 15-minute model whose inputs are unchanged).
 */
async function inputsHash(texts: ReturnType<typeof heldOutTexts>): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify(MODEL_BUILD));
  h.update(await readFile(new URL('./bpe.ts', import.meta.url)));
  h.update(JSON.stringify(texts));
  return h.digest('hex').slice(0, 12);
}

/** What bench/models/gpt-<inputs hash>/ holds of a build (`--save-model` writes it): the rest is derived in seconds. */
const COMMITTED_FILES = ['build.json', 'weights.pt', 'pretrain-result.json', 'token-bytes.u16', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Copies a built model's COMMITTED_FILES into bench/models/ (to commit, so a cold run skips the pretraining). */
export async function saveModel(model: BuiltModel): Promise<string> {
  const out = fileURLToPath(new URL(`../../models/${basename(model.dir)}/`, import.meta.url));
  await mkdir(out, { recursive: true });
  for (const f of COMMITTED_FILES) await copyFile(join(f.startsWith('tokenizer') ? model.modelDir : model.dir, f), join(out, f));
  return out;
}

/** Held-out Brown files as documents (paragraphs joined by blank lines), split into the three roles. */
function heldOutTexts(): { pretrain: string[]; targetText: string[]; target: string[] } {
  const { heldOut } = splitBrown(readBrown(), MODEL_BUILD.corpusSeed);
  const out = { pretrain: [] as string[], targetText: [] as string[], target: [] as string[] };
  for (const f of heldOut) {
    const u = docHash(f.name, MODEL_BUILD.seed) / 4294967296;
    const role = u < MODEL_BUILD.split.pretrain ? 'pretrain' : u < MODEL_BUILD.split.pretrain + MODEL_BUILD.split.targetText ? 'targetText' : 'target';
    out[role].push(f.paragraphs.join('\n\n'));
  }
  return out;
}

/** Token bytes of a byte-level vocabulary: one byte per character of the token's spelling, 0 for special tokens. */
function tokenByteTable(json: Record<string, unknown>, size: number, bosId: number): Uint16Array {
  const vocab = (json.model as { vocab: Record<string, number> }).vocab;
  const out = new Uint16Array(size);
  for (const [s, id] of Object.entries(vocab)) out[id] = id === bosId ? 0 : [...s].length;
  return out;
}

function encodeAll(tokenizer: Tokenizer, texts: readonly string[]): number[] {
  const out: number[] = [];
  for (const t of texts) for (const id of tokenizer.encode(t).ids) out.push(id);
  return out;
}

/** Builds (or finds in `cacheRoot`) the pretrained GPT and its model folder. */
export async function ensureModel(cacheRoot: string, log: (line: string) => void): Promise<BuiltModel> {
  const texts = heldOutTexts();
  const dir = join(cacheRoot, `gpt-${await inputsHash(texts)}`);
  const modelDir = join(dir, 'model');
  const committed = fileURLToPath(new URL(`../../models/${basename(dir)}/`, import.meta.url));
  if (!existsSync(join(dir, 'pretrain-result.json')) && existsSync(join(committed, 'weights.pt'))) {
    // A committed build of the same inputs: its weights and tokenizer, the ONNX export redone (seconds, byte-identical).
    ensureTorch(log);
    log(`using the committed build ${committed} (weights and tokenizer); exporting its ONNX model into ${dir} ...`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(modelDir, { recursive: true });
    for (const f of COMMITTED_FILES) await copyFile(join(committed, f), join(f.startsWith('tokenizer') ? modelDir : dir, f));
    await runGpt(['export', '--dir', dir], log);
  }
  if (!existsSync(join(dir, 'pretrain-result.json'))) {
    ensureTorch(log);
    const t0 = performance.now();
    log(`building the GPT into ${dir} (held-out Brown: ${texts.pretrain.length} files to pretrain on) ...`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(modelDir, { recursive: true });
    const tok = trainByteLevelBpe(texts.pretrain.join('\n\n'), MODEL_BUILD.vocab);
    await writeFile(join(modelDir, 'tokenizer.json'), JSON.stringify(tok.json));
    await writeFile(join(modelDir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', model_max_length: MODEL_BUILD.model.context }));
    const tokenizer = new Tokenizer(tok.json, {});
    const pretrain = encodeAll(tokenizer, texts.pretrain).slice(0, MODEL_BUILD.maxPretrainTokens);
    await writeU16(join(dir, 'pretrain.u16'), pretrain);
    await writeU16(join(dir, 'token-bytes.u16'), tokenByteTable(tok.json, tok.vocabSize, tok.bosId));
    const build = { ...MODEL_BUILD, model: { ...MODEL_BUILD.model, vocab: tok.vocabSize, bos: tok.bosId } };
    await writeFile(join(dir, 'build.json'), JSON.stringify(build, null, 2));
    log(`tokenizer: ${tok.vocabSize} tokens; pretraining text ${pretrain.length} tokens`);
    await runGpt(['pretrain', '--dir', dir], log);
    const result = JSON.parse(await readFile(join(dir, 'pretrain-result.json'), 'utf8')) as Record<string, number>;
    await writeFile(join(dir, 'pretrain-result.json'), JSON.stringify({ ...result, pretrainTokens: pretrain.length, buildSeconds: (performance.now() - t0) / 1000 }));
  }
  const tokJson = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
  const tokenizer = new Tokenizer(tokJson, {});
  const tokenBytesBuf = await readFile(join(dir, 'token-bytes.u16'));
  const tokenBytes = new Uint16Array(tokenBytesBuf.buffer.slice(tokenBytesBuf.byteOffset, tokenBytesBuf.byteOffset + tokenBytesBuf.byteLength));
  const build = JSON.parse(await readFile(join(dir, 'build.json'), 'utf8')) as {
    model: { bos: number; context: number; width: number; layers: number; heads: number; vocab: number };
  };
  const result = JSON.parse(await readFile(join(dir, 'pretrain-result.json'), 'utf8')) as { params: number; pretrainTokens: number; buildSeconds: number };

  const targetTextPath = join(dir, 'target-text.txt');
  const targetTokensPath = join(dir, `target-${TARGET_TOKENS}.u16`);
  if (!existsSync(targetTokensPath)) {
    await writeFile(`${targetTextPath}.tmp`, texts.targetText.join('\n\n') + '\n');
    await rename(`${targetTextPath}.tmp`, targetTextPath);
    await writeU16(`${targetTokensPath}.tmp`, encodeAll(tokenizer, texts.target).slice(0, TARGET_TOKENS));
    await rename(`${targetTokensPath}.tmp`, targetTokensPath);
  }
  return {
    dir,
    modelDir,
    tokenizer,
    tokenBytes,
    bosId: build.model.bos,
    context: build.model.context,
    shape: { width: build.model.width, layers: build.model.layers, heads: build.model.heads, vocab: build.model.vocab },
    params: result.params,
    targetTextPath,
    targetTokensPath,
    pretrainTokens: result.pretrainTokens,
    buildSeconds: result.buildSeconds,
  };
}

export { GPT_SCRIPT };
