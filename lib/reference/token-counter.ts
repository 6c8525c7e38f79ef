import { z } from 'zod';
import type { ReferenceSpec } from '../job/spec.ts';
import type { ObjectStore } from '../store/types.ts';


/** tokenizer.json and tokenizer_config.json: JSON objects, read by @huggingface/tokenizers itself. */
const jsonObjectSchema = z.record(z.string(), z.unknown()).describe('tokenizer file');

/** Counts a document's tokens exactly as the reference model's tokenizer does (the count stage, `exactTokens: true`). */
export interface TokenCounter {
  description: string;
  count(text: string): number;
}

/** Whether the reference's tokenizer runs here (ngram, onnx), so tokens can be counted exactly; openai's does not. */
export function hasLocalTokenizer(spec: ReferenceSpec): boolean {
  return spec.kind !== 'openai';
}

/** The file a token counter for this reference reads besides the spec (its tokenizer.json), if any. */
export function tokenizerFile(spec: ReferenceSpec): string | undefined {
  return spec.kind === 'onnx' ? folderFile(spec.model, 'tokenizer.json') : undefined;
}

function folderFile(uri: string, name: string): string {
  return `${uri.endsWith('/') ? uri : `${uri}/`}${name}`;
}

/**
 * The reference tokenizer as a counter, without loading the model: the ngram model's word tokenizer (words plus the
 * end-of-document token, as its labels count them), or an onnx model folder's tokenizer.json (special tokens the
 * tokenizer adds included, as the onnx backend counts them). An openai reference has no local tokenizer.
 */
export async function createTokenCounter(spec: ReferenceSpec, deps: { store: ObjectStore }): Promise<TokenCounter> {
  switch (spec.kind) {
    case 'ngram': {
      const { tokenizeWords } = await import('./ngram/index.ts');
      return { description: 'ngram word tokenizer', count: (text) => tokenizeWords(text).length + 1 };
    }
    case 'onnx': {
      const { Tokenizer } = await import('@huggingface/tokenizers');
      const tokenizerJson = await deps.store.readJson(folderFile(spec.model, 'tokenizer.json'), jsonObjectSchema);
      const configUri = folderFile(spec.model, 'tokenizer_config.json');
      const tokenizerConfig = (await deps.store.exists(configUri)) ? await deps.store.readJson(configUri, jsonObjectSchema) : {};
      const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
      return { description: `tokenizer.json of ${spec.model}`, count: (text) => tokenizer.encode(text).ids.length };
    }
    case 'openai':
      throw new Error('an openai reference has no local tokenizer to count tokens with');
  }
}

/** One token counter per process and reference (warm Lambdas and long-lived workers reuse it). */
const counters = new Map<string, Promise<TokenCounter>>();

/** `createTokenCounter`, cached per reference spec (a failed creation is not cached). */
export function cachedTokenCounter(spec: ReferenceSpec, deps: { store: ObjectStore }): Promise<TokenCounter> {
  const key = JSON.stringify(spec); // zod-parsed: keys in schema order
  let entry = counters.get(key);
  if (!entry) {
    entry = createTokenCounter(spec, deps);
    entry.catch(() => counters.delete(key));
    counters.set(key, entry);
  }
  return entry;
}
