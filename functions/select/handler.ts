import { selectWorkItem } from '../../lib/pipeline/index.ts';
import { itemEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** select: one work item of the SelectMap. */
export const handler = stageHandler('select', itemEventSchema, selectWorkItem);
