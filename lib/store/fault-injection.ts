import { appendFileSync } from 'node:fs';

/**
 * Crash hooks for the fault tests (test/faults), off unless the environment sets them:
 * - `PROXYSEL_FAULT_KILL=<phase>:<key>` makes the process SIGKILL itself when it writes a local file whose URI ends
 *   with `/<key>`: phase `tmp` once the temporary file is written and before it is renamed (a write cut short),
 *   `written` right after the rename (the write done, nothing after it).
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
