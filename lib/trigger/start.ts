import { executionNameFor } from './execution-name.ts';
import { jobSpecFromEvent } from './s3-event.ts';
import type { ExecutionInput } from './types.ts';

/** Starts one state machine execution; resolves false when an execution of that name already exists. */
export type StartExecution = (request: { name: string; input: ExecutionInput }) => Promise<boolean>;

/** What the trigger did with one event. */
export interface StartResult {
  executionName: string;
  specUri: string;
  /** False for a duplicated event: the run was already started. */
  started: boolean;
}

/**
 * The cloud trigger: turns an S3 "Object Created" event for `jobs/**.json` into one execution whose name comes from
 * the spec's key and ETag, so a duplicated delivery never starts a second run.
 */
export async function startRunForEvent(event: unknown, startExecution: StartExecution, prefix?: string): Promise<StartResult> {
  const spec = jobSpecFromEvent(event, prefix);
  const executionName = executionNameFor(spec.key, spec.etag);
  const started = await startExecution({ name: executionName, input: { specUri: spec.uri } });
  return { executionName, specUri: spec.uri, started };
}
