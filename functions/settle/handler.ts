import { settleBudget } from '../../lib/pipeline/index.ts';
import { planRefSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** settle: moves the budget's cut over the boundary region by exact counts, or widens the region for another count. */
export const handler = stageHandler('settle', planRefSchema, settleBudget);
