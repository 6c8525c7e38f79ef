import { ProxyselError } from '../errors.ts';

/** A run file (plan.json, a work item list) that is not what the plan stage writes, or a plan that cannot be made. */
export class PlanError extends ProxyselError {
  override readonly name = 'PlanError';
  readonly badInput = false;
}
