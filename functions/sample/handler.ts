import { sampleWorkItem } from '../../lib/pipeline/sample.ts';
import { itemEventSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** sample: one work item of the SampleMap. */
export const handler = stageHandler('sample', itemEventSchema, sampleWorkItem);
