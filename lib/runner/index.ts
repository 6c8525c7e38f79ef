/**
 * The runner: what runs the stages of lib/pipeline on this machine (the phases in the registry's order, the worker
 * threads, the run's failure record, `proxysel select`'s re-run) and how it shows progress. A stage never imports it.
 */
export { runJob, type RunJobOptions, type RunJobResult } from './local-runner.ts';
export { failureEventSchema, readableCause, recordFailure } from './run-failure.ts';
export { reselect } from './reselect.ts';
export { barsDisplay, linesDisplay, noDisplay, type ProgressDisplay } from './progress-display.ts';
