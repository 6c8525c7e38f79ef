import type { ReferenceScore, ReferenceScorer } from '../types.ts';
import type { NgramModel } from './types.ts';

/**
 * A ReferenceScorer over a trained n-gram model: each document is scored on its own (`model.scoreText`), so a
 * document's score never depends on the batch it is in. The work is synchronous; `score` wraps it in a promise.
 */
export function createNgramScorer(model: NgramModel): ReferenceScorer {
  const words = model.vocabSize - 2; // without </s> and <unk>
  return {
    description: `ngram order ${model.order} KN, ${words} words vocab`,
    async score(texts: string[]): Promise<ReferenceScore[]> {
      return texts.map((t) => model.scoreText(t));
    },
    async close(): Promise<void> {},
  };
}
