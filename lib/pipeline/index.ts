export { jsonLogger, noProgress, silentLogger, stageContext, textLogger } from './context.ts';
export type { PlanOutput } from './plan.ts';
export { closeScorers } from './score.ts';
export { countAndSettle, type SettleOutput } from './settle.ts';
export { stageNames, stages, type StageName } from './stages.ts';
export type { Logger, StageContext } from './types.ts';
export { digestObject, SINGLE_UNIT, type Declared, type Upstream, type UnitWork } from './unit.ts';
export { invalidEvent, InvalidEventError, MissingInputError, WorkerTaskError } from './errors.ts';
