import type { ObjectStore } from '../store/index.ts';
import type { Logger } from '../pipeline/index.ts';

/** A job spec object that was created under the jobs prefix: what a trigger needs to start a run exactly once. */
export interface JobSpecObject {
  /** Full URI of the spec (`s3://bucket/jobs/x.json`, or a local path for `proxysel watch` on a folder). */
  uri: string;
  /** Key of the spec inside its bucket (or relative to the watched prefix). */
  key: string;
  /** The object's version tag (S3 ETag, quotes stripped). A new upload of the same key is a new run. */
  etag: string;
}

/** Input of the state machine, as the trigger starts it. */
export interface ExecutionInput {
  specUri: string;
}

/** Options of {@link pollJobSpecs} and {@link watchJobSpecs}. */
export interface WatchOptions {
  /** The jobs prefix to watch (`s3://bucket/jobs/` or a local folder). */
  prefix: string;
  store: ObjectStore;
  /** Runs one job (default in the CLI: the local runner). Errors are logged and recorded, never stop the watch. */
  run: (spec: JobSpecObject, executionName: string) => Promise<void>;
  log?: Logger;
  /** Seconds between listings (watchJobSpecs only; default 10). */
  intervalSeconds?: number;
  /** Stops watchJobSpecs after the current poll. */
  signal?: AbortSignal;
  /**
   * The sandbox of specs taken from the watched prefix (lib/job/sandbox.ts): a spec naming a local path, or an s3://
   * location outside these prefixes, is not run but moved aside to `<spec>.REJECTED` with the reasons. None: no check.
   */
  allow?: readonly string[];
}

/** What one poll did. */
export interface PollResult {
  started: string[];
  skipped: string[];
  failed: string[];
}
