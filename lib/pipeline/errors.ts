/**
 * The pipeline's named errors. Each one's `name` is what a stage Lambda reports as its error type, so Step Functions'
 * Retry and Catch can match it (none is transient: a retry would fail the same way, so no Retry lists them), `_FAILED`
 * records it, and the CLI tells bad input (exit 2) from a failed run (exit 1). Other folders keep their own (lib/job's
 * JobSpecError, lib/corpus's BadRecordError, lib/store's StoreSchemaError, ...), each under its folder's root.
 */
import type { ZodError } from 'zod';
import { ProxyselError } from '../errors.ts';
import { formatZodError } from '../validate/index.ts';

/** Root of the pipeline's errors. */
export abstract class PipelineError extends ProxyselError {}

/** A stage's input (a Lambda event, or a call of the local runner) that its schema rejects: the message lists every field at fault. */
export class InvalidEventError extends PipelineError {
  override readonly name = 'InvalidEventError';
  readonly badInput = true;
}

/** The error of a stage input its schema rejected, worded the same for every caller. */
export function invalidEvent(stage: string, error: ZodError): InvalidEventError {
  return new InvalidEventError(`${stage}: invalid event: ${formatZodError(error, { root: '(event)' })}`);
}

/** A stage's event names something this run does not have: a slice, partition or stage the plan does not hold. */
export class BadStageInputError extends PipelineError {
  override readonly name = 'BadStageInputError';
  readonly badInput = true;
}

/** What a stage reads is not there yet: an earlier stage (or unit) has not finished. */
export class MissingInputError extends PipelineError {
  override readonly name = 'MissingInputError';
  readonly badInput = false;
}

/** What a stage reads disagrees with what it depends on: a rewritten shard, labels of another sample, a stale selection. */
export class StaleInputError extends PipelineError {
  override readonly name = 'StaleInputError';
  readonly badInput = false;
}

/** fit: too few labelled documents to train and measure a proxy (the sample is too small or mostly empty). */
export class TooFewLabelsError extends PipelineError {
  override readonly name = 'TooFewLabelsError';
  readonly badInput = true;
}

/** merge-sample: the corpus holds no document the spec can read (a text field no record has). */
export class NoDocumentsError extends PipelineError {
  override readonly name = 'NoDocumentsError';
  readonly badInput = true;
}

/** fit: a label has no finite target in the spec's unit (a reference that scored nothing of a document). */
export class InvalidLabelError extends PipelineError {
  override readonly name = 'InvalidLabelError';
  readonly badInput = false;
}

/** Something the code guarantees did not hold: a bug, worth a report with the run's files. */
export class InvariantError extends PipelineError {
  override readonly name = 'InvariantError';
  readonly badInput = false;
}

/** The names of the pipeline's errors, as Step Functions matches them. */
export const PIPELINE_ERROR_NAMES = [
  'InvalidEventError',
  'BadStageInputError',
  'MissingInputError',
  'StaleInputError',
  'TooFewLabelsError',
  'NoDocumentsError',
  'InvalidLabelError',
  'InvariantError',
] as const;

/**
 * A stage call that failed inside a worker thread, rebuilt from the worker's reply: the original error's name (so a
 * local `_FAILED` records `BadRecordError`, as the cloud's does), message, stack and `badInput` mark (so the CLI exits
 * 2 for bad input raised in a worker, as in the main thread). A worker that died is a `WorkerTaskError`.
 */
export class WorkerTaskError extends PipelineError {
  override readonly name: string;
  readonly badInput: boolean;
  /** The stack of the error in the worker thread. */
  readonly workerStack?: string;
  constructor(
    readonly stage: string,
    message: string,
    failed: { name?: string; badInput?: boolean; stack?: string } = {},
  ) {
    super(message);
    this.name = failed.name && failed.name !== 'Error' ? failed.name : 'WorkerTaskError';
    this.badInput = failed.badInput === true;
    this.workerStack = failed.stack;
  }
}
