import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { artifactKeys } from './keys.ts';
import { runLockSchema, type RunLockOwner } from './schemas.ts';
import { joinUri, type ObjectStore } from '../store/index.ts';
import { RunLockBusyError } from './errors.ts';
import { isProcessAlive } from '../process-alive.ts';

/**
 * The run lock of an output: `_LOCK` under it, a small JSON object naming its holder. `proxysel run`, `select` and a
 * resumed run take it before their first write to the output and remove it when they end (failed or not), so two
 * writers never interleave their artifacts (a select during a run once left the run's `_SUCCESS` beside the select's
 * manifest). It is created with a conditional write ({@link ObjectStore.writeIfAbsent}: `link` locally, `If-None-Match`
 * on S3), refreshed by a heartbeat while its holder runs, and taken over when stale: its holder's process is gone
 * (same host), or its heartbeat is older than the stale timeout (any host).
 */
export type { RunLockOwner };

/** What the lock reports through: the run's logger. */
export interface RunLockLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** How often the holder refreshes its heartbeat, and after how long without one a lock counts as stale. */
export const DEFAULT_HEARTBEAT_MS = 10_000;
export const DEFAULT_STALE_MS = 120_000;

export interface RunLockOptions {
  /** What holds the lock, shown to whoever finds it taken (`proxysel run job.json`). */
  command: string;
  /** Wait for the holder to finish instead of refusing at once. */
  wait?: boolean;
  log: RunLockLog;
  heartbeatMs?: number;
  staleMs?: number;
  /** Time between two looks at a taken lock while waiting. */
  pollMs?: number;
  /**
   * A holder other than this process: a state machine execution, whose Lambdas come and go. Its token is stable (a
   * retried plan finds its own lock and keeps it), it writes no heartbeat and gives its own stale timeout.
   */
  holder?: { token: string; host: string; command: string; staleAfterMs: number };
}

function envNumber(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}


/** The holder as a person reads it. */
export function describeHolder(owner: RunLockOwner, now = Date.now()): string {
  const ago = Math.max(0, Math.round((now - Date.parse(owner.heartbeatAt)) / 1000));
  return `\`${owner.command}\` (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}, last heartbeat ${ago} s ago)`;
}

/** Why a lock may be taken over, or undefined while its holder lives. */
function staleness(owner: RunLockOwner, defaultStaleMs: number, now = Date.now()): string | undefined {
  const staleMs = owner.staleAfterMs ?? defaultStaleMs;
  if (owner.host === hostname() && owner.pid > 0 && !isProcessAlive(owner.pid)) return `its process ${owner.pid} on ${owner.host} is gone`;
  const age = now - Date.parse(owner.heartbeatAt);
  if (!(age <= staleMs)) return `no heartbeat for ${Math.round(age / 1000)} s (stale after ${Math.round(staleMs / 1000)} s)`;
  return undefined;
}

/** A held run lock: refreshed in the background until {@link RunLock.release}. */
export class RunLock {
  private timer: NodeJS.Timeout | undefined;
  private lost = false;
  private released = false;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    readonly uri: string,
    private owner: RunLockOwner,
    heartbeatMs: number,
    private readonly log: RunLockLog,
  ) {
    if (heartbeatMs > 0) {
      this.timer = setInterval(() => {
        this.beating = this.beating.then(() => this.beat());
      }, heartbeatMs);
      this.timer.unref();
    }
  }

  private async current(): Promise<RunLockOwner | undefined> {
    const parsed = runLockSchema.safeParse(await this.store.readJson(this.uri).catch(() => undefined));
    return parsed.success ? parsed.data : undefined;
  }

  private async beat(): Promise<void> {
    if (this.lost || this.released) return;
    try {
      const now = await this.current();
      if (now?.token !== this.owner.token) {
        this.lost = true;
        this.log.error(`run lock ${this.uri} is no longer ours${now ? `: taken by ${describeHolder(now)}` : ' (removed)'}`);
        return;
      }
      this.owner = { ...this.owner, heartbeatAt: new Date().toISOString() };
      if (this.released) return;
      await this.store.writeJson(this.uri, this.owner);
    } catch (error) {
      this.log.warn(`run lock ${this.uri}: heartbeat not written (${(error as Error).message})`);
    }
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.released = true;
    await this.beating;
    const now = await this.current().catch(() => undefined);
    if (now?.token === this.owner.token) await this.store.delete(this.uri);
  }
}

/**
 * Takes the run lock of `output`, or throws RunLockBusyError naming its holder (with `wait`, looks again every
 * `pollMs` until it is free). A stale lock is taken over, and the takeover logged.
 */
export async function acquireRunLock(store: ObjectStore, output: string, options: RunLockOptions): Promise<RunLock> {
  const uri = joinUri(output, artifactKeys.lock);
  const heartbeatMs = options.heartbeatMs ?? envNumber('PROXYSEL_LOCK_HEARTBEAT_MS') ?? DEFAULT_HEARTBEAT_MS;
  const staleMs = options.staleMs ?? envNumber('PROXYSEL_LOCK_STALE_MS') ?? DEFAULT_STALE_MS;
  const pollMs = options.pollMs ?? Math.min(1000, heartbeatMs);
  let waiting = false;
  for (;;) {
    const at = new Date().toISOString();
    const holder = options.holder;
    const owner: RunLockOwner = holder
      ? { token: holder.token, host: holder.host, pid: 0, command: holder.command, startedAt: at, heartbeatAt: at, staleAfterMs: holder.staleAfterMs }
      : { token: randomBytes(12).toString('hex'), host: hostname(), pid: process.pid, command: options.command, startedAt: at, heartbeatAt: at };
    const beatEvery = holder ? 0 : heartbeatMs;
    if (await store.writeIfAbsent(uri, `${JSON.stringify(owner, null, 2)}\n`)) return new RunLock(store, uri, owner, beatEvery, options.log);
    const found = runLockSchema.safeParse(await store.readJson(uri).catch(() => undefined));
    if (!found.success) {
      // Unreadable: half a lock of a tool that does not write atomically, or removed meanwhile. Old enough: stale.
      if (!(await store.head(uri))) continue;
      throw new RunLockBusyError(`${output} is locked by ${uri}, which this version cannot read; remove it if no run is writing there`);
    }
    // A retried plan Lambda of the same execution finds the lock its first attempt took: still its own.
    if (holder && found.data.token === holder.token) return new RunLock(store, uri, found.data, 0, options.log);
    const why = staleness(found.data, staleMs);
    if (why) {
      // Taken over only if it is still the lock judged stale (another process may have taken it over meanwhile).
      const again = runLockSchema.safeParse(await store.readJson(uri).catch(() => undefined));
      if (again.success && again.data.token === found.data.token) {
        await store.delete(uri);
        options.log.warn(`${output}: taking over the stale run lock of ${describeHolder(found.data)}: ${why}`);
      }
      continue;
    }
    if (!options.wait) {
      throw new RunLockBusyError(
        `${output} is in use by ${describeHolder(found.data)}; wait for it to end, or pass --wait to start when it does`,
      );
    }
    if (!waiting) options.log.info(`${output} is in use by ${describeHolder(found.data)}; waiting (--wait)`);
    waiting = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** How long the lock of a state machine execution holds without a heartbeat: a day, longer than any run it takes. */
export const EXECUTION_LOCK_STALE_MS = 24 * 3600 * 1000;

/** The lock holder of a state machine execution (plan takes the lock, report and RecordFailure remove it). */
export function executionHolder(execution: string): NonNullable<RunLockOptions['holder']> {
  return { token: `execution:${execution}`, host: 'aws-step-functions', command: `state machine execution ${execution}`, staleAfterMs: EXECUTION_LOCK_STALE_MS };
}

/** Removes the lock of `output` if the execution holds it (report at the end, RecordFailure on the Catch path). */
export async function releaseExecutionLock(store: ObjectStore, output: string, execution: string): Promise<void> {
  const uri = joinUri(output, artifactKeys.lock);
  const found = runLockSchema.safeParse(await store.readJson(uri).catch(() => undefined));
  if (found.success && found.data.token === executionHolder(execution).token) await store.delete(uri);
}

/** Who holds the run lock of `output` now, or undefined when nobody does. */
export async function lockHolder(store: ObjectStore, output: string): Promise<RunLockOwner | undefined> {
  const found = runLockSchema.safeParse(await store.readJson(joinUri(output, artifactKeys.lock)).catch(() => undefined));
  return found.success ? found.data : undefined;
}
