import { finalizeJob } from '../../lib/pipeline/index.ts';
import { finalizeEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** finalize: writes manifest.json, report.html and _SUCCESS. */
export const handler = stageHandler('finalize', finalizeEventSchema, finalizeJob);
