import { reduceScores } from '../../lib/pipeline/reduce.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** reduce: merges the histograms into threshold.json. */
export const handler = stageHandler('reduce', planRefSchema, reduceScores);
