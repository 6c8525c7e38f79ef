export { jsonLogger, noProgress, silentLogger, stageContext, textLogger } from './context.ts';
export type { PlanOutput } from './plan.ts';
export { closeScorers } from './score.ts';
export { countAndSettle, type SettleOutput } from './settle.ts';
export { loadStage, runStage, stageNames, stages, type StageName } from './stages.ts';
export { acquireRunLock, describeHolder, lockHolder, releaseExecutionLock, type RunLock } from './run-lock.ts';
export { beginRun } from './run-state.ts';
export type { Logger, StageContext } from './types.ts';
export { BUSY_EXIT_CODE, invalidEvent, InvalidEventError, RUN_LOCK_BUSY, RunLockBusyError, WorkerTaskError } from './errors.ts';
