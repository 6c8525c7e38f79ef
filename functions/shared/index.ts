/** What every stage Lambda shares: the middy wrapper (validation, logging, named errors) and the plan output's cloud shape. */
export { stageHandler } from './middleware.ts';
export { cloudPlanOutput } from './plan-output.ts';
