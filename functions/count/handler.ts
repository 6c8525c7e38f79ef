import { countWorkItem } from '../../lib/pipeline/index.ts';
import { itemEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** count: exact tokens of one work item's candidate documents (CountMap). */
export const handler = stageHandler('count', itemEventSchema, countWorkItem);
