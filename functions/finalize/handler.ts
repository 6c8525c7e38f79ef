import { finalizeJob } from '../../lib/pipeline/finalize.ts';
import { finalizeEventSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** finalize: writes manifest.json, report.html and _SUCCESS. */
export const handler = stageHandler('finalize', finalizeEventSchema, finalizeJob);
