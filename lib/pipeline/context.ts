import type { Logger, ProgressSink, StageContext } from './types.ts';
import type { ObjectStore } from '../store/index.ts';

export const noProgress: ProgressSink = { add() {} };

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** One JSON object per line on stdout (CloudWatch, Batch logs). */
export function jsonLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const emit = (level: string) => (message: string, data?: Record<string, unknown>) =>
    write(JSON.stringify({ level, message, ...base, ...data, time: new Date().toISOString() }));
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Human lines for a terminal; `print` lets progress bars interleave logs cleanly. */
export function textLogger(print: (line: string) => void, opts: { debug?: boolean; colour?: boolean } = {}): Logger {
  const paint = (code: number, word: string) => (opts.colour ? `\u001b[${code}m${word}\u001b[0m` : word);
  return {
    debug: (m) => {
      if (opts.debug) print(`  ${m}`);
    },
    info: (m) => print(m),
    warn: (m) => print(`${paint(33, 'warning:')} ${m}`),
    error: (m) => print(`${paint(31, 'error:')} ${m}`),
  };
}

export function stageContext(store: ObjectStore, log: Logger = silentLogger, progress: ProgressSink = noProgress): StageContext {
  return { store, log, progress };
}
