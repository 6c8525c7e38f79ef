import { parseJobSpecText, sandboxProblems, type JobSpec } from '../job/index.ts';
import { joinUri } from '../store/index.ts';
import { silentLogger } from '../pipeline/index.ts';
import { executionNameFor } from './execution-name.ts';
import { isJobSpecKey } from './s3-event.ts';
import type { JobSpecObject, PollResult, WatchOptions } from './types.ts';

/** Where `proxysel watch` remembers the runs it started, relative to the watched prefix (skipped by isJobSpecKey). */
export const STARTED_FOLDER = '_started/';

/**
 * One pass of `proxysel watch`: lists the prefix, and starts every job spec whose execution name (from key and ETag,
 * the same idempotency key as the cloud trigger) has no start marker yet. The marker is written before the run, so a
 * crash never starts the same spec twice; a failed run is logged and stays failed (re-upload the spec to retry).
 * Runs are started one after another, in key order.
 */
export async function pollJobSpecs(options: WatchOptions): Promise<PollResult> {
  const log = options.log ?? silentLogger;
  const result: PollResult = { started: [], skipped: [], failed: [] };
  const objects = await options.store.list(options.prefix);
  for (const object of objects) {
    if (!isJobSpecKey(object.key, '')) continue;
    const name = executionNameFor(object.key, object.etag);
    const marker = joinUri(options.prefix, `${STARTED_FOLDER}${name}`);
    if (await options.store.exists(marker)) {
      result.skipped.push(name);
      continue;
    }
    const spec: JobSpecObject = { uri: object.uri, key: object.key, etag: object.etag };
    if (options.allow && (await rejectedBySandbox(options, spec, options.allow, log))) {
      result.failed.push(name);
      continue;
    }
    await options.store.writeJson(marker, { key: object.key, etag: object.etag, executionName: name });
    log.info(`starting ${object.key} as ${name}`);
    try {
      await options.run(spec, name);
      result.started.push(name);
    } catch (error) {
      result.failed.push(name);
      log.error(`${object.key} (${name}) failed: ${(error as Error).message}`);
    }
  }
  return result;
}

/** Suffix of the note a refused spec is moved to (its text and why it was refused). */
export const REJECTED_SUFFIX = '.REJECTED';

/**
 * Moves a spec that names locations outside the sandbox aside, before anything of it runs: `<spec>.REJECTED` holds the
 * reasons and the spec's text, and the spec is deleted (so it is not looked at again). An unparseable spec is left to
 * the run, which refuses it and records why (`<spec>.FAILED`).
 */
async function rejectedBySandbox(options: WatchOptions, spec: JobSpecObject, allow: readonly string[], log: NonNullable<WatchOptions['log']>): Promise<boolean> {
  const text = await options.store.readText(spec.uri);
  let parsed: JobSpec;
  try {
    parsed = parseJobSpecText(text, spec.uri);
  } catch {
    return false;
  }
  const problems = sandboxProblems(parsed, { read: allow, origin: `proxysel watch --allow` });
  if (problems.length === 0) return false;
  const note = `${spec.uri}${REJECTED_SUFFIX}`;
  await options.store.writeJson(note, {
    spec: spec.uri,
    etag: spec.etag,
    reason: `refused by the watch sandbox: a spec taken from ${options.prefix} may only name s3:// locations under ${allow.join(', ')}`,
    problems,
    specText: text,
  });
  await options.store.delete(spec.uri);
  log.error(`${spec.key}: refused, moved aside to ${note}:\n  - ${problems.join('\n  - ')}`);
  return true;
}

/** `proxysel watch`: polls the prefix every `intervalSeconds` until the signal aborts. */
export async function watchJobSpecs(options: WatchOptions): Promise<void> {
  const interval = (options.intervalSeconds ?? 10) * 1000;
  while (!options.signal?.aborted) {
    await pollJobSpecs(options);
    if (options.signal?.aborted) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

