import { settleBudget } from '../../lib/pipeline/settle.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** settle: moves the budget's cut over the boundary region by exact counts, or widens the region for another count. */
export const handler = stageHandler('settle', planRefSchema, settleBudget);
