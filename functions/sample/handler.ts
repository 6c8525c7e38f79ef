import { sampleWorkItem } from '../../lib/pipeline/index.ts';
import { itemEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** sample: one work item of the SampleMap. */
export const handler = stageHandler('sample', itemEventSchema, sampleWorkItem);
