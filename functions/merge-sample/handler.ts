import { mergeSample } from '../../lib/pipeline/index.ts';
import { planRefSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** merge sample: concatenates the sample parts into sample/sample.jsonl.gz. */
export const handler = stageHandler('mergeSample', planRefSchema, mergeSample);
