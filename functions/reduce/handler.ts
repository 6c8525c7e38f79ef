import { reduceScores } from '../../lib/pipeline/index.ts';
import { planRefSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** reduce: merges the histograms into threshold.json. */
export const handler = stageHandler('reduce', planRefSchema, reduceScores);
