/**
 * The runner: what runs the stages of lib/pipeline, here and in the cloud: `runStage` (every caller's one way into a
 * stage, which completes a stage's declared units through the resume protocol, markers.ts), the phases in the
 * registry's order on this machine, the worker threads, the run's failure record, `proxysel select`'s re-run, and what
 * it shows progress through (the displays themselves are lib/cli's). A stage never imports it.
 */
export { runJob, type RunJobOptions, type RunJobResult } from './local-runner.ts';
export { loadStage, runStage } from './run-stage.ts';
export { failureEventSchema, readableCause, recordFailure } from './run-failure.ts';
export { reselect, type Reselection } from './reselect.ts';
export { noDisplay, type ProgressDisplay } from './progress-display.ts';
