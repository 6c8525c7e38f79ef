/**
 * Runs the synthesized state machine definition locally with aws-local-stepfunctions 3.0.0.
 *
 * That library executes Map states inline and ignores the Distributed Map fields (ItemReader, ItemBatcher,
 * ResultWriter), so {@link inlineDistributedMaps} applies a small, documented transform before the run:
 *   1. every Distributed Map becomes an INLINE Map whose ItemsPath is `$.mapItems`;
 *   2. a Task state `<Map>Items` is inserted before it (everything that pointed at the map now points at it); it does
 *      what the ItemReader does (reads the JSON array at the ItemReader's Bucket/Key) and, for a map with an
 *      ItemBatcher, what the ItemBatcher does (groups MaxItemsPerBatch items into `{ Items, BatchInput }`), and it
 *      carries the map's Catch, so a failed listing still records `_FAILED`;
 *   3. ResultWriter, ToleratedFailure* and Label are dropped (the maps' results are discarded by ResultPath null);
 *   4. every Task state without TimeoutSeconds gets TASK_TIMEOUT_SECONDS: the library times tasks out after 60 s by
 *      default, where Step Functions has no default task timeout (a Lambda's own timeout bounds it there).
 * Everything else (Choice, Retry, Catch, Fail, ItemSelector, payload templates) runs as synthesized.
 */
import type { Context } from 'aws-lambda';

type State = Record<string, any>;
type Definition = { StartAt: string; States: Record<string, State> };

/** aws-local-stepfunctions 3 uses Promise.withResolvers, which Node 20 lacks. */
export function polyfillPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (P.withResolvers) return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/** Where the inserted item-loading states put the items of the map that follows them. */
export const MAP_ITEMS_PATH = '$.mapItems';
/** Resource of the inserted item-loading states (the ItemReader's own; always bound to a local handler). */
export const ITEM_READER_RESOURCE = 'arn:aws:states:::s3:getObject';

/** Timeout of the Task states that have none (see the transform, step 4). */
export const TASK_TIMEOUT_SECONDS = 3600;

/** Applies the transform described at the top of this file; returns a new definition and the inserted states' names. */
export function inlineDistributedMaps(definition: Definition): { definition: Definition; loaders: string[] } {
  const out = structuredClone(definition);
  const loaders: string[] = [];
  const renames = new Map<string, string>();
  for (const [name, state] of Object.entries(out.States)) {
    if (state.Type !== 'Map' || state.ItemProcessor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') continue;
    const loader = `${name}Items`;
    if (out.States[loader]) throw new Error(`inlineDistributedMaps: a state named ${loader} already exists`);
    const reader = state.ItemReader?.Parameters as Record<string, unknown> | undefined;
    if (!reader) throw new Error(`inlineDistributedMaps: ${name} has no ItemReader`);
    out.States[loader] = {
      Type: 'Task',
      Resource: ITEM_READER_RESOURCE,
      Parameters: {
        ...reader,
        ...(state.ItemBatcher
          ? { MaxItemsPerBatch: state.ItemBatcher.MaxItemsPerBatch, BatchInput: state.ItemBatcher.BatchInput ?? {} }
          : {}),
      },
      ResultPath: MAP_ITEMS_PATH,
      ...(state.Catch ? { Catch: state.Catch } : {}),
      Next: name,
    };
    for (const field of ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Label']) {
      delete state[field];
    }
    state.ItemProcessor.ProcessorConfig = { Mode: 'INLINE' };
    state.ItemsPath = MAP_ITEMS_PATH;
    renames.set(name, loader);
    loaders.push(loader);
  }
  for (const state of taskStates(out).values()) if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = TASK_TIMEOUT_SECONDS;
  const retarget = (target: string) => renames.get(target) ?? target;
  out.StartAt = retarget(out.StartAt);
  for (const [name, state] of Object.entries(out.States)) {
    if (loaders.includes(name)) continue;
    if (state.Next) state.Next = retarget(state.Next);
    if (state.Default) state.Default = retarget(state.Default);
    for (const choice of state.Choices ?? []) choice.Next = retarget(choice.Next);
    for (const c of state.Catch ?? []) c.Next = retarget(c.Next);
  }
  return { definition: out, loaders };
}

/** Every Task state of a definition, nested ones (map item processors) included: name -> state. */
export function taskStates(definition: Definition): Map<string, State> {
  const out = new Map<string, State>();
  const walk = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') out.set(name, state);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
      if (state.Iterator) walk(state.Iterator.States);
      for (const branch of state.Branches ?? []) walk(branch.States);
    }
  };
  walk(definition.States);
  return out;
}

/** The item loading of an ItemReader (+ ItemBatcher), for the inserted `<Map>Items` states. */
export function itemReaderHandler(readJson: (uri: string) => Promise<unknown>) {
  return async (input: { Bucket: string; Key: string; MaxItemsPerBatch?: number; BatchInput?: unknown }): Promise<unknown[]> => {
    const items = await readJson(`s3://${input.Bucket}/${input.Key}`);
    if (!Array.isArray(items)) throw new Error(`s3://${input.Bucket}/${input.Key}: ItemReader expects a JSON array`);
    if (!input.MaxItemsPerBatch) return items;
    const batches: unknown[] = [];
    for (let i = 0; i < items.length; i += input.MaxItemsPerBatch) {
      batches.push({ Items: items.slice(i, i + input.MaxItemsPerBatch), BatchInput: input.BatchInput ?? {} });
    }
    return batches;
  };
}

let invocations = 0;

/**
 * A Lambda handler invoked in-process the way Step Functions' LambdaInvoke sees it: a thrown error becomes a task
 * failure whose Error is the error's name and whose Cause is the Lambda error JSON ({ errorType, errorMessage }).
 */
export function asLambdaTask(handler: (event: unknown, context: Context) => Promise<unknown>) {
  return async (input: unknown): Promise<unknown> => {
    const context = { awsRequestId: `local-${++invocations}`, functionName: 'local' } as Context;
    try {
      // A real invocation passes JSON: no shared references between states.
      return JSON.parse(JSON.stringify((await handler(structuredClone(input), context)) ?? null));
    } catch (err) {
      const e = err as Error;
      const failure = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
      failure.name = e.name;
      throw failure;
    }
  };
}

/** The part of a batch:submitJob.sync state's Parameters the local Batch runner reads. */
export interface SubmitJobParameters {
  ArrayProperties?: { Size: number };
  ContainerOverrides?: { Environment?: { Name: string; Value: string }[] };
}

/**
 * A Batch `submitJob.sync` task run locally: the container entrypoint once per array index (index 0 for a single job)
 * with the overridden environment. A non-zero exit fails the task as Batch does (States.TaskFailed).
 */
export function batchJobTask(run: (env: NodeJS.ProcessEnv) => Promise<number>, baseEnv: NodeJS.ProcessEnv) {
  return async (input: SubmitJobParameters): Promise<unknown> => {
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    for (const { Name, Value } of input.ContainerOverrides?.Environment ?? []) env[Name] = Value;
    const size = input.ArrayProperties?.Size;
    const indexes = size === undefined ? [undefined] : Array.from({ length: size }, (_, i) => i);
    for (const index of indexes) {
      const code = await run(index === undefined ? env : { ...env, AWS_BATCH_JOB_ARRAY_INDEX: String(index) });
      if (code !== 0) {
        const failure = new Error(JSON.stringify({ StatusReason: `Essential container in task exited (array index ${index ?? 0}, exit code ${code})` }));
        failure.name = 'States.TaskFailed';
        throw failure;
      }
    }
    return { Status: 'SUCCEEDED', ArrayProperties: size === undefined ? undefined : { Size: size } };
  };
}
