export { TriggerEventError } from './errors.ts';
export { executionNameFor } from './execution-name.ts';
export { jobSpecFromEvent, objectCreatedEventSchema } from './s3-event.ts';
export { pollJobSpecs, STARTED_FOLDER, watchJobSpecs } from './watch.ts';
export type { WatchOptions } from './types.ts';
export { startRunForEvent, type StartExecution } from './start.ts';
export { runSpecLocally } from './run-local.ts';
