import { labelReferenceSlice } from '../../lib/pipeline/reference.ts';
import { referenceSliceEventSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** reference (Lambda variant, for the ngram and openai references): labels one slice of the sample. */
export const handler = stageHandler('reference', referenceSliceEventSchema, labelReferenceSlice);
