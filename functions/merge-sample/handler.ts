import { mergeSample } from '../../lib/pipeline/sample.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** merge sample: concatenates the sample parts into sample/sample.jsonl.gz. */
export const handler = stageHandler('mergeSample', planRefSchema, mergeSample);
