import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ObjectStore } from '../../store/types.ts';
import { OnnxModelFolderError } from './errors.ts';
import type { CausalLmConfig } from './types.ts';
import { formatZodError } from '../../validate/index.ts';

const configSchema = z
  .object({
    model_type: z.string().optional(),
    vocab_size: z.number().int().positive().optional(),
    pad_token_id: z.number().int().nonnegative().nullable().optional(),
    max_position_embeddings: z.number().int().positive().optional(),
  })
  .passthrough();

/** A model folder in the Hugging Face / Optimum layout, ready for onnxruntime and the tokenizer. */
export interface LoadedModelFolder {
  /** Local path of model.onnx (external data files sit beside it, as onnxruntime expects). */
  modelPath: string;
  tokenizerJson: object;
  tokenizerConfig: object;
  config: CausalLmConfig;
  /** Removes the temporary copy of an s3:// folder (no-op for a local folder). */
  cleanup(): Promise<void>;
}

/** `uri` with exactly one trailing slash, so `${folder}name` addresses a file in it. */
function folderUri(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

async function readJsonFile(store: ObjectStore, uri: string, what: string, required: boolean): Promise<unknown> {
  if (!(await store.exists(uri))) {
    if (!required) return undefined;
    throw new OnnxModelFolderError(`${uri}: missing; an onnx reference model folder needs ${what}`);
  }
  try {
    return JSON.parse(await store.readText(uri));
  } catch (err) {
    throw new OnnxModelFolderError(`${uri}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Reads a model folder: model.onnx (plus any external data files), tokenizer.json, config.json and the optional
 * tokenizer_config.json. A local folder is used in place; an s3:// folder is copied to a temporary folder first,
 * because onnxruntime resolves external weight files relative to the model file on disk.
 */
export async function loadModelFolder(store: ObjectStore, uri: string): Promise<LoadedModelFolder> {
  const folder = folderUri(uri);
  const modelUri = `${folder}model.onnx`;
  if (!(await store.exists(modelUri))) {
    throw new OnnxModelFolderError(`${modelUri}: missing; an onnx reference model folder holds model.onnx, tokenizer.json and config.json`);
  }
  const tokenizerJson = await readJsonFile(store, `${folder}tokenizer.json`, 'tokenizer.json', true);
  const configRaw = await readJsonFile(store, `${folder}config.json`, 'config.json', true);
  const tokenizerConfig = (await readJsonFile(store, `${folder}tokenizer_config.json`, 'tokenizer_config.json', false)) ?? {};
  const parsed = configSchema.safeParse(configRaw);
  if (!parsed.success) {
    throw new OnnxModelFolderError(`${folder}config.json field ${formatZodError(parsed.error)}`);
  }
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || !('model' in tokenizerJson)) {
    throw new OnnxModelFolderError(`${folder}tokenizer.json: not a Hugging Face tokenizer file (no "model" field)`);
  }

  let modelPath: string;
  let cleanup = async () => {};
  if (/^s3:\/\//.test(folder)) {
    const local = await mkdtemp(join(tmpdir(), 'proxysel-onnx-model-'));
    for (const obj of await store.list(folder)) {
      if (obj.key.endsWith('/')) continue;
      const dest = join(local, ...obj.key.split('/'));
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, await store.read(obj.uri));
    }
    modelPath = join(local, 'model.onnx');
    cleanup = () => rm(local, { recursive: true, force: true });
  } else {
    modelPath = modelUri.startsWith('file://') ? fileURLToPath(modelUri) : modelUri;
  }
  return { modelPath, tokenizerJson: tokenizerJson as object, tokenizerConfig: tokenizerConfig as object, config: parsed.data, cleanup };
}
