export { TriggerEventError } from './errors.ts';
export { executionNameFor, normalizeEtag } from './execution-name.ts';
export { isJobSpecKey, jobSpecFromEvent, JOBS_PREFIX, objectCreatedEventSchema, type ObjectCreatedEvent } from './s3-event.ts';
export { pollJobSpecs, REJECTED_SUFFIX, STARTED_FOLDER, watchJobSpecs } from './watch.ts';
export type * from './types.ts';
export { startRunForEvent, type StartExecution, type StartResult } from './start.ts';
export { runSpecLocally, type RunSpecLocallyOptions } from './run-local.ts';
