/**
 * Class 1 of issue 28: one writer per output. `proxysel select` during a running `proxysel run` on the same output
 * used to exit 0 and leave the select's manifest beside the run's `_SUCCESS`; now the second command, a separate
 * process, refuses with exit code 75 naming the holder, or waits with --wait. A lock left by a killed run, or one whose
 * heartbeat stopped, is taken over and the takeover said; the lock is gone when a run ends, failed or not.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJob } from '../../lib/pipeline/plan.ts';
import { recordFailure } from '../../lib/runner/index.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { createStore } from '../../lib/store/index.ts';
import { copyOutput, deliverables, listFiles, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'proxysel.js');

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI in its own process; `ended` resolves with its exit code and output. */
function start(args: string[], env: Record<string, string> = {}): { pid: number; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { pid: child.pid!, ended };
}

async function until(what: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The file's text, or undefined when it is missing. */
function textOf(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

let world: TinyWorld;
let finished: string;
let runOnly: Record<string, string>;
beforeAll(async () => {
  world = await tinyWorld();
  finished = await mkdtemp(join(world.root, 'finished-'));
  await runTiny(tinySpec(world, finished));
  runOnly = await deliverables(finished);
});
afterAll(async () => {
  await world.cleanup();
});

/** A copy of the finished run and a spec file writing into it (a resumed run: every unit skipped, the end rewritten). */
async function outputWithSpec(): Promise<{ out: string; specPath: string }> {
  const out = await mkdtemp(join(world.root, 'out-'));
  await copyOutput(finished, out);
  const specPath = join(world.root, `spec-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(specPath, JSON.stringify(tinySpec(world, out)));
  return { out, specPath };
}

const HOLD = { PROXYSEL_FAULT_PAUSE: 'plan.json:5000', PROXYSEL_LOCK_HEARTBEAT_MS: '200' };

describe('two commands on one output, in separate processes', () => {
  it('a select during a run refuses with exit 75 naming the run; the run finishes with its own manifest', async () => {
    const { out, specPath } = await outputWithSpec();
    const run = start(['run', specPath, '--workers', '0', '--quiet'], HOLD);
    await until(() => existsSync(join(out, '_LOCK')));
    const lock = JSON.parse(await readFile(join(out, '_LOCK'), 'utf8'));
    expect(lock).toMatchObject({ pid: run.pid, host: hostname(), command: `proxysel run ${specPath}` });
    const firstBeat = lock.heartbeatAt;
    const select = await start(['select', out, '--budget', 'fraction=0.1', '--quiet']).ended;
    expect(select.code).toBe(75);
    expect(select.stderr).toContain(`${out}/ is in use by \`proxysel run ${specPath}\` (pid ${run.pid} on ${hostname()}`);
    expect(select.stderr).toContain('--wait');
    // The holder's heartbeat moves while it runs.
    await until(() => JSON.parse(textOf(join(out, '_LOCK')) ?? '{}').heartbeatAt !== firstBeat, 10_000);
    const ran = await run.ended;
    expect(ran.code, ran.stderr).toBe(0);
    expect(await deliverables(out)).toEqual(runOnly);
    expect(existsSync(join(out, '_LOCK'))).toBe(false);
  }, 120_000);

  it('a select on the output of a first run that is still planning (no plan.json yet) says busy, not missing', async () => {
    const out = await mkdtemp(join(world.root, 'first-'));
    const specPath = join(world.root, `first-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(specPath, JSON.stringify(tinySpec(world, out)));
    const run = start(['run', specPath, '--workers', '0', '--quiet'], { PROXYSEL_FAULT_PAUSE: 'plan/items.json:5000' });
    await until(() => existsSync(join(out, 'plan', 'items.json')));
    expect(existsSync(join(out, 'plan.json'))).toBe(false);
    const select = await start(['select', out, '--budget', 'fraction=0.1', '--quiet']).ended;
    expect(select.code).toBe(75);
    expect(select.stderr).toContain(`is in use by \`proxysel run ${specPath}\` (pid ${run.pid}`);
    expect((await run.ended).code).toBe(0);
  }, 120_000);

  it('a second run (a resume) of the same job refuses too, and with --wait starts when the first ends', async () => {
    const { out, specPath } = await outputWithSpec();
    const first = start(['run', specPath, '--workers', '0', '--quiet'], HOLD);
    await until(() => existsSync(join(out, '_LOCK')));
    const refused = await start(['run', specPath, '--workers', '0', '--quiet']).ended;
    expect(refused.code).toBe(75);
    expect(refused.stderr).toMatch(/is in use by `proxysel run .*` \(pid \d+ on .*, started .*, last heartbeat \d+ s ago\)/);
    const waited = start(['select', out, '--budget', 'fraction=0.1', '--quiet', '--wait']);
    expect((await first.ended).code).toBe(0);
    const selected = await waited.ended;
    expect(selected.code, selected.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.budget).toMatchObject({ fraction: 0.1 });
    expect(existsSync(join(out, '_LOCK'))).toBe(false);
    expect(existsSync(join(out, '_SUCCESS'))).toBe(true);
  }, 120_000);

  it('a lock left by a run killed with SIGKILL is taken over by the next run, which says so', async () => {
    const { out, specPath } = await outputWithSpec();
    const killed = await start(['run', specPath, '--workers', '0', '--quiet'], { PROXYSEL_FAULT_KILL: 'written:plan.json' }).ended;
    expect(killed.code).toBe(null);
    const left = JSON.parse(await readFile(join(out, '_LOCK'), 'utf8'));
    const next = await start(['run', specPath, '--workers', '0', '--quiet']).ended;
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`taking over the stale run lock of \`proxysel run ${specPath}\` (pid ${left.pid}`);
    expect(next.stderr).toContain(`its process ${left.pid} on ${hostname()} is gone`);
    expect(await deliverables(out)).toEqual(runOnly);
    expect(existsSync(join(out, '_LOCK'))).toBe(false);
  }, 120_000);

  it("another host's lock is honoured while its heartbeat is fresh and taken over once it is older than the timeout", async () => {
    const { out, specPath } = await outputWithSpec();
    const foreign = (beatAgoMs: number) => ({
      token: 'other',
      host: 'another-host',
      pid: 1,
      command: 'proxysel run elsewhere.json',
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      heartbeatAt: new Date(Date.now() - beatAgoMs).toISOString(),
    });
    await writeFile(join(out, '_LOCK'), JSON.stringify(foreign(1000)));
    const refused = await start(['run', specPath, '--workers', '0', '--quiet']).ended;
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain('`proxysel run elsewhere.json` (pid 1 on another-host');
    expect(await readFile(join(out, '_LOCK'), 'utf8')).toContain('another-host'); // not ours to remove
    expect(existsSync(join(out, '_FAILED'))).toBe(false); // nor to mark as failed
    await writeFile(join(out, '_LOCK'), JSON.stringify(foreign(600_000)));
    const took = await start(['run', specPath, '--workers', '0', '--quiet'], { PROXYSEL_LOCK_STALE_MS: '300000' }).ended;
    expect(took.code, took.stderr).toBe(0);
    expect(took.stderr).toMatch(/taking over the stale run lock of `proxysel run elsewhere.json` .*: no heartbeat for 60\d s \(stale after 300 s\)/);
    expect(existsSync(join(out, '_LOCK'))).toBe(false);
  }, 120_000);

  it('a failed run removes its lock', async () => {
    const out = await mkdtemp(join(world.root, 'failing-'));
    const specPath = join(world.root, 'failing.json');
    await writeFile(specPath, JSON.stringify(tinySpec(world, out, { reference: { kind: 'ngram', text: join(world.root, 'no-such-text.txt') } })));
    const failed = await start(['run', specPath, '--workers', '0', '--quiet']).ended;
    expect(failed.code).toBe(1);
    expect(await listFiles(out)).not.toContain('_LOCK');
    expect(await listFiles(out)).toContain('_FAILED');
  }, 120_000);

  it('a state machine execution holds the lock from plan to its end: a local select and another execution refuse meanwhile', async () => {
    const { out, specPath } = await outputWithSpec();
    const ctx = { store: createStore(), log: silentLogger, progress: { add() {} } };
    const spec = JSON.parse(await readFile(specPath, 'utf8'));
    const planned = await planJob({ spec, execution: 'exec-1' }, ctx);
    expect(JSON.parse(await readFile(join(out, '_LOCK'), 'utf8'))).toMatchObject({ command: 'state machine execution exec-1', host: 'aws-step-functions' });
    const select = await start(['select', out, '--budget', 'fraction=0.1', '--quiet']).ended;
    expect(select.code).toBe(75);
    expect(select.stderr).toContain('is in use by `state machine execution exec-1` (pid 0 on aws-step-functions');
    await expect(planJob({ spec, execution: 'exec-2' }, ctx)).rejects.toThrow(/in use by `state machine execution exec-1`/);
    await planJob({ spec, execution: 'exec-1' }, ctx); // a retried plan Lambda of the same execution keeps its lock
    // The execution fails: its Catch (RecordFailure) removes the lock (Report does on success: test/workflow).
    await recordFailure({ run: { output: planned.output }, error: { Error: 'X', Cause: 'y' }, execution: 'exec-2' }, ctx);
    expect(existsSync(join(out, '_LOCK'))).toBe(true); // not exec-2's to remove
    await recordFailure({ run: { output: planned.output }, error: { Error: 'X', Cause: 'y' }, execution: 'exec-1' }, ctx);
    expect(existsSync(join(out, '_LOCK'))).toBe(false);
  }, 120_000);
});
