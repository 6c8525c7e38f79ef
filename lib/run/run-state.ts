import type { ObjectStore } from '../store/index.ts';
import { joinUri } from '../store/index.ts';
import { artifactKeys } from './keys.ts';

/**
 * The files that say what became of a run, `_SUCCESS` first: removed when a run of the job starts, so that none of
 * them can describe an older run beside this one's half-written artifacts.
 */
const RUN_STATE_KEYS = [artifactKeys.success, artifactKeys.manifest, artifactKeys.report, artifactKeys.run, artifactKeys.failed] as const;

/**
 * Called when a run of a job starts (plan, `proxysel select`): removes `_SUCCESS`, `manifest.json`, `report.html`,
 * `run.json` and `_FAILED` from the output, and the temporary files of writes that a killed process left behind.
 */
export async function beginRun(store: ObjectStore, output: string, log: { info(message: string): void }): Promise<void> {
  for (const key of RUN_STATE_KEYS) await store.delete(joinUri(output, key));
  const removed = await store.removeTemporaries(output);
  if (removed.length > 0) log.info(`removed ${removed.length} temporary file(s) of interrupted writes under ${output}`);
}

/** Writes `_SUCCESS`: the last write of a run, after manifest.json and report.html. */
export async function markSuccess(store: ObjectStore, output: string): Promise<void> {
  await store.write(joinUri(output, artifactKeys.success), '');
}
