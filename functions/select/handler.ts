import { selectWorkItem } from '../../lib/pipeline/select.ts';
import { itemEventSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** select: one work item of the SelectMap. */
export const handler = stageHandler('select', itemEventSchema, selectWorkItem);
