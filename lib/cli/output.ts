/**
 * What the CLI prints besides its results: colour only where a person reads it (a terminal, and no `NO_COLOR`),
 * progress only without `--quiet`, and warnings and errors always.
 */
import { textLogger } from '../pipeline/index.ts';
import { noDisplay, type ProgressDisplay } from '../runner/index.ts';
import { barsDisplay, linesDisplay } from './progress-display.ts';
import type { Logger } from '../pipeline/index.ts';

/**
 * True when text written to `stream` may carry ANSI colour: the stream is a terminal and `NO_COLOR` is unset or empty
 * (https://no-color.org). `FORCE_COLOR` (non-empty, not `0`) turns it on anywhere.
 */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Progress bars on a terminal, one line per stage otherwise, nothing with `--quiet`. */
export function progressDisplayFor(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (quiet) return noDisplay;
  return stream.isTTY ? barsDisplay(stream) : linesDisplay((l) => stream.write(l + '\n'));
}

/**
 * The CLI's logger: through the progress display (so bars and lines do not tangle); with `--quiet`, progress lines
 * (info) are dropped but warnings and errors still go to stderr.
 */
export function cliLogger(display: ProgressDisplay, opts: { quiet?: boolean; stream?: NodeJS.WriteStream; env?: NodeJS.ProcessEnv } = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const colour = colourFor(stream, opts.env);
  if (!opts.quiet) return textLogger((line) => display.print(line), { colour });
  const loud = textLogger((line) => stream.write(line + '\n'), { colour });
  return { ...loud, debug: () => {}, info: () => {} };
}
