import { finalizeJob } from '../../lib/pipeline/finalize.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** finalize: writes manifest.json and _SUCCESS. */
export const handler = stageHandler('finalize', planRefSchema, finalizeJob);
