import { scoreWorkItems } from '../../lib/pipeline/index.ts';
import { itemsEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** score: one ItemBatcher batch of work items of the ScoreMap, with onnxruntime-node from the scorer layer. */
export const handler = stageHandler('score', itemsEventSchema, scoreWorkItems);
