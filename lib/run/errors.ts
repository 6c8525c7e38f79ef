import { ProxyselError } from '../errors.ts';

/** The root of lib/run's errors: what is wrong with a run's files or with who may write them. */
export abstract class RunError extends ProxyselError {}

/** A run file (plan.json, a work item list) that is not what the plan stage writes, or a plan that cannot be made. */
export class PlanError extends RunError {
  override readonly name = 'PlanError';
  readonly badInput = false;
}

/** The name of {@link RunLockBusyError}, by which the CLI knows it. */
export const RUN_LOCK_BUSY = 'RunLockBusyError';

/**
 * Another run or select holds the output's run lock (run-lock.ts). Not bad input and not a failure of this run: the CLI
 * exits with {@link BUSY_EXIT_CODE}, and nothing is written into the output (no `_FAILED`: the output is not ours).
 */
export class RunLockBusyError extends RunError {
  override readonly name = RUN_LOCK_BUSY;
  readonly badInput = false;
}

/** The exit code of `proxysel run` / `select` / `demo` when the output is locked by another run: 75 (EX_TEMPFAIL). */
export const BUSY_EXIT_CODE = 75;
