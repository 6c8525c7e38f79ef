import type { ReferenceSpec } from '../job/index.ts';
import type { ObjectStore } from '../store/index.ts';
import type { ReferenceScorer } from './types.ts';
export type { ReferenceScorer } from './types.ts';

/**
 * The reference (large-model) scorer a spec names. Backends are imported lazily, so a run with the embedded ngram
 * model never loads tokenizers or HTTP clients, and the onnx backend loads onnxruntime only when used.
 */
export async function createReferenceScorer(spec: ReferenceSpec, deps: { store: ObjectStore }): Promise<ReferenceScorer> {
  switch (spec.kind) {
    case 'ngram': {
      const { createNgramScorer, loadReferenceText, trainNgramModel, NgramTrainingError, ReferenceTextError } = await import('./ngram/index.ts');
      const model = await trainNgramModel(loadReferenceText(deps.store, spec.text), { order: spec.order }).catch((err: unknown) => {
        // Training errors (no words, too many n-grams) are about the text: name it.
        if (err instanceof NgramTrainingError) throw new ReferenceTextError(spec.text, err.message, { cause: err });
        throw err;
      });
      return createNgramScorer(model);
    }
    case 'onnx': {
      const { createOnnxScorer } = await import('./onnx/index.ts');
      return createOnnxScorer(spec, deps);
    }
    case 'openai': {
      const { createOpenAIScorer } = await import('./openai/index.ts');
      return createOpenAIScorer(spec);
    }
  }
}
export { referenceFiles } from './identity.ts';
export { cachedTokenCounter, createTokenCounter, hasLocalTokenizer, tokenizerFile } from './token-counter.ts';
