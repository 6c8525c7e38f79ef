import type { ReferenceSpec } from '../job/index.ts';

type IdentifyingFiles = { [K in ReferenceSpec['kind']]: (spec: Extract<ReferenceSpec, { kind: K }>) => string | undefined };

/**
 * Each backend's stored files that identify its model, by kind: a new backend must say (the table is exhaustive over
 * the spec's kinds). A resumed run versions every object under the URI (key, size, ETag or a local file's sha256).
 */
const identifyingFiles: IdentifyingFiles = {
  // The reference text the n-gram model is trained on: a .txt file, or a folder/prefix of .txt files.
  ngram: (spec) => spec.text,
  // The model folder (Hugging Face / Optimum layout): model.onnx, tokenizer.json, config.json.
  onnx: (spec) => spec.model,
  // An inference server: identified by its URL and model name, which the spec holds.
  openai: () => undefined,
};

/**
 * The URI (a file, or a folder/prefix) of the stored files that identify a reference model, so that replacing the
 * model or text at the same location redoes what depends on it; undefined when the spec alone identifies it.
 */
export function referenceFiles(spec: ReferenceSpec): string | undefined {
  return (identifyingFiles[spec.kind] as (spec: ReferenceSpec) => string | undefined)(spec);
}
