import { scoreWorkItems } from '../../lib/pipeline/score.ts';
import { itemsEventSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** score: one ItemBatcher batch of work items of the ScoreMap, with onnxruntime-node from the scorer layer. */
export const handler = stageHandler('score', itemsEventSchema, scoreWorkItems);
