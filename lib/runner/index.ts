/**
 * The runner: what runs the stages of lib/pipeline on this machine (the phases in the registry's order, the worker
 * threads, the run's failure record, `proxysel select`'s re-run) and what it shows progress through (the displays themselves are lib/cli's). A stage never imports it.
 */
export { runJob, type RunJobOptions, type RunJobResult } from './local-runner.ts';
export { failureEventSchema, readableCause, recordFailure } from './run-failure.ts';
export { reselect } from './reselect.ts';
export { noDisplay, type ProgressDisplay } from './progress-display.ts';
