import { appendFileSync } from 'node:fs';

/**
 * Crash hooks for the fault tests (test/faults), off unless the environment sets them:
 * - `PROXYSEL_FAULT_KILL=<phase>:<key>` makes the process SIGKILL itself when it writes a local file whose URI ends
 *   with `/<key>`: phase `tmp` once the temporary file is written and before it is renamed (a write cut short),
 *   `written` right after the rename (the write done, nothing after it).
 * - `PROXYSEL_FAULT_PAUSE=<key>:<ms>` makes a local write of a URI ending with `/<key>` wait `<ms>` milliseconds once
 *   written (timers, such as the run lock's heartbeat, keep running): a run held mid-way while another process acts.
 * - `PROXYSEL_WRITE_TRACE=<file>` appends the URI of every finished local write to `<file>`, one a line.
 * A kill here is what `kill -9` at that moment does, but deterministic: the same key, whatever the timing.
 */
export function writeFaultPoint(phase: 'tmp' | 'written', uri: string): void {
  const trace = process.env.PROXYSEL_WRITE_TRACE;
  if (phase === 'written' && trace) appendFileSync(trace, `${uri}\n`);
  const kill = process.env.PROXYSEL_FAULT_KILL;
  if (!kill) return;
  const colon = kill.indexOf(':');
  if (kill.slice(0, colon) === phase && uri.endsWith(`/${kill.slice(colon + 1)}`)) process.kill(process.pid, 'SIGKILL');
}

/** The pause of `PROXYSEL_FAULT_PAUSE` after writing `uri`, if it names it. */
export async function writePausePoint(uri: string): Promise<void> {
  const pause = process.env.PROXYSEL_FAULT_PAUSE;
  if (!pause) return;
  const colon = pause.lastIndexOf(':');
  if (!uri.endsWith(`/${pause.slice(0, colon)}`)) return;
  await new Promise((resolve) => setTimeout(resolve, Number(pause.slice(colon + 1))));
}
