/**
 * A failed run's record, `_FAILED`: written by the cloud workflow's Catch (the record-failure Lambda) and by the local
 * runner alike (here in lib/pipeline, the runner's home: the trigger only starts runs).
 */
import { z } from 'zod';
import { artifactKeys, type FailureRecord, releaseExecutionLock } from '../run/index.ts';
import { joinUri } from '../store/index.ts';
import type { StageContext } from '../pipeline/index.ts';

/** What a Step Functions Catch (ResultPath `$.error`) hands to the failure recorder, plus what the run knew. */
export const failureEventSchema = z
  .object({
    specUri: z.string().min(1).optional(),
    /** The plan stage's output, once it ran (its `output` is the job's output prefix). */
    run: z.object({ output: z.string().min(1).optional() }).passthrough().optional(),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough(),
    /** The state machine execution: its run lock on the output, if it holds it, is removed (lib/run/run-lock.ts). */
    execution: z.string().min(1).optional(),
  })
  .strict();
export type FailureEvent = z.infer<typeof failureEventSchema>;

/**
 * The readable message inside a Step Functions error cause: Lambda causes are JSON (`errorType`, `errorMessage`),
 * Batch causes are JSON job descriptions (`StatusReason`); anything else is kept as it is.
 */
export function readableCause(cause: string | undefined): string {
  if (!cause) return '(no cause given)';
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
    if (typeof parsed.StatusReason === 'string') return parsed.StatusReason;
  } catch {
    // not JSON: a plain message
  }
  return cause;
}

/**
 * Records a failed run: writes `_FAILED` (JSON: error, cause, spec) next to the job's output, or, when the run failed
 * before the plan knew its output, next to the spec as `<spec>.FAILED`. Returns the URI written.
 */
export async function recordFailure(event: FailureEvent, ctx: StageContext): Promise<{ failed: string; record: FailureRecord }> {
  const output = event.run?.output;
  const record: FailureRecord = {
    error: event.error.Error ?? 'Error',
    cause: readableCause(event.error.Cause),
    ...(event.specUri ? { specUri: event.specUri } : {}),
    ...(output ? { output } : {}),
  };
  let uri: string;
  if (output) uri = joinUri(output, artifactKeys.failed);
  else if (event.specUri) uri = `${event.specUri}.FAILED`;
  else throw new RangeError('recordFailure: the event names neither the run output nor the spec');
  await ctx.store.writeJson(uri, record);
  if (output && event.execution) await releaseExecutionLock(ctx.store, output, event.execution);
  ctx.log.error(`run failed: ${record.error}: ${record.cause}`, { failed: uri });
  return { failed: uri, record };
}
