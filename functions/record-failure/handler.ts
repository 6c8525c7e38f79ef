import { failureEventSchema, recordFailure } from '../../lib/trigger/failure.ts';
import { stageHandler } from '../shared/middleware.ts';

/** The Catch target of every state: writes `_FAILED` with the readable cause next to the job's output. */
export const handler = stageHandler('recordFailure', failureEventSchema, recordFailure);
