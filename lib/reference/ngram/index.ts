/**
 * The embedded reference "large model": an interpolated modified Kneser-Ney word n-gram LM trained on a reference text,
 * with a character-trigram spelling model for unknown words. Needs no GPU and no downloads.
 */
export { tokenizeWords } from './tokenize.ts';
export { trainNgramModel, estimateDiscounts } from './kneser-ney.ts';
export { SpellingModel } from './spelling.ts';
export { createNgramScorer } from './scorer.ts';
export { loadReferenceText } from './load.ts';
export { NgramTrainingError, ReferenceTextError } from './errors.ts';
export type { Discounts, NgramModel, NgramTextScore, NgramTrainOptions, ReferenceText } from './types.ts';
