import { failureEventSchema, recordFailure } from '../../lib/runner/index.ts';
import { stageHandler } from '../shared/index.ts';

/** The Catch target of every state: writes `_FAILED` with the readable cause next to the job's output. */
export const handler = stageHandler('record-failure', failureEventSchema, recordFailure);
