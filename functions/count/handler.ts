import { countWorkItem } from '../../lib/pipeline/count.ts';
import { itemEventSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** count: exact tokens of one work item's candidate documents (CountMap). */
export const handler = stageHandler('count', itemEventSchema, countWorkItem);
