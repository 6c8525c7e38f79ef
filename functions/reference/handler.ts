import { labelReferenceSlice } from '../../lib/pipeline/index.ts';
import { referenceSliceEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** reference (Lambda variant, for the ngram and openai references): labels one slice of the sample. */
export const handler = stageHandler('reference', referenceSliceEventSchema, labelReferenceSlice);
