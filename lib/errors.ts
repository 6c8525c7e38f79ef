/**
 * The base of proxysel's named errors, and the one test of whether an error is the input's fault.
 *
 * Each folder has one error root (`StoreError`, `CorpusError`, `PipelineError`, ...; a folder with a single error
 * class has that class) in its `errors.ts`, deriving from {@link ProxyselError}. Every class sets `name` to its class
 * name, ending in `Error`, as a `readonly` field: the name is what a stage Lambda reports as its error type (Step
 * Functions' Retry and Catch match it) and what `_FAILED` records.
 *
 * Whether the input a person gave (spec, options, corpus, event) is at fault is the error's own `badInput` field, a
 * plain boolean: it is copied across a worker thread (the reply carries it) and a Lambda (StageFailedError keeps it),
 * where `instanceof` no longer holds. The CLI exits 2 for such an error, 1 for any other ({@link isBadInput}).
 */
export abstract class ProxyselError extends Error {
  /** True when what is wrong is the input a person gave (spec, options, corpus, event), not the run or the code. */
  abstract readonly badInput: boolean;
}

/**
 * True when `error` says the input is at fault: its `badInput` field is `true`. Read as a property, not by
 * `instanceof`, so it holds for an error rebuilt from a worker thread's reply or a Lambda's failure.
 */
export function isBadInput(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { badInput?: unknown }).badInput === true;
}
