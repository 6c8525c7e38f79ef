import { JobSpecError, parseJobSpecText, resolveSpecPaths, specBaseDir } from '../job/index.ts';
import { silentLogger } from '../pipeline/index.ts';
import { recordFailure, runJob, type RunJobOptions, type RunJobResult } from '../runner/index.ts';
import type { Logger } from '../pipeline/index.ts';
import type { ObjectStore } from '../store/index.ts';
import { isS3Uri } from '../store/index.ts';
import type { JobSpecObject } from './types.ts';

/** Options of {@link runSpecLocally}. */
export interface RunSpecLocallyOptions extends Pick<RunJobOptions, 's3' | 'workers' | 'display'> {
  store: ObjectStore;
  log?: Logger;
}

/**
 * What `proxysel watch` does with a new spec (the embedded counterpart of one state machine execution): reads and
 * validates it, runs it with the local runner, and on failure writes `_FAILED` with the cause next to the job's output
 * (or `<spec>.FAILED` when the spec itself is invalid), exactly as the cloud workflow's Catch does; then rethrows.
 * Relative paths in a local spec resolve against the spec's folder, as for `proxysel run`.
 */
export async function runSpecLocally(spec: JobSpecObject, executionName: string, options: RunSpecLocallyOptions): Promise<RunJobResult> {
  const log = options.log ?? silentLogger;
  let output: string | undefined;
  try {
    const parsed = parseJobSpecText(await options.store.readText(spec.uri), spec.uri);
    const job = isS3Uri(spec.uri) ? parsed : resolveSpecPaths(parsed, specBaseDir(spec.uri));
    output = job.output;
    const result = await runJob(job, { store: options.store, s3: options.s3, workers: options.workers, display: options.display, log, specUri: spec.uri, lock: { command: `proxysel watch (${spec.uri})` } });
    log.info(`${executionName}: ${result.manifest.selected.docs} documents selected into ${result.output}`);
    return result;
  } catch (error) {
    const e = error as Error;
    // runJob has written _FAILED into the output; a spec it refused (invalid, or its output not allowed) gets <spec>.FAILED.
    if (output && !(error instanceof JobSpecError)) throw error;
    await recordFailure(
      { specUri: spec.uri, error: { Error: e.name ?? 'Error', Cause: e.message ?? String(e) } },
      // The watcher reports the error it is thrown; recording it is no second report.
      { store: options.store, log: { ...log, error: (m, data) => log.debug(m, data) }, progress: { add() {} } },
    ).catch((recordError: Error) => log.error(`${executionName}: could not record the failure: ${recordError.message}`));
    throw error;
  }
}
