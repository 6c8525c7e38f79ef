import cliProgress from 'cli-progress';
import type { ProgressDisplay } from '../runner/index.ts';

// The CLI's progress displays for the runner: bars on a terminal, one line per stage otherwise.

function formatAmount(n: number, unit: string): string {
  if (unit === 'bytes') {
    if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GB`;
    if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
    return `${(n / 1024).toFixed(0)} KB`;
  }
  return `${n}`;
}

/** Bars on a terminal (cli-progress): one per phase, with its amount and ETA. */
export function barsDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: false,
      hideCursor: true,
      format: ' {stage} |{bar}| {percentage}% {value_f}/{total_f} {eta_formatted}',
      barsize: 30,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let unit = 'docs';
  let value = 0;
  let total = 0;
  const payload = (stage: string) => ({ stage: stage.padEnd(10), value_f: formatAmount(value, unit), total_f: formatAmount(total, unit) });
  let stageName = '';
  return {
    stageStart(stage, t, u) {
      stageName = stage;
      unit = u;
      value = 0;
      total = Math.max(1, t);
      bar = multi.create(total, 0, payload(stage));
    },
    advance(amount) {
      value = Math.min(total, value + amount);
      bar?.update(value, payload(stageName));
    },
    stageEnd(stage) {
      value = total;
      bar?.update(total, payload(stage));
      bar?.stop();
      bar = undefined;
    },
    print(line) {
      multi.log(line + '\n');
    },
    stop() {
      multi.stop();
    },
  };
}

/** One line when a phase starts and one when it ends (a log file, a pipe). */
export function linesDisplay(print: (line: string) => void = (l) => process.stderr.write(l + '\n')): ProgressDisplay {
  return {
    stageStart(stage, total, unit) {
      const noun = unit === 'bytes' ? '' : total === 1 ? unit.replace(/s$/, '') : unit;
      print(`[${stage}] started (${formatAmount(total, unit)} ${noun})`.replace(/ \)/, ')'));
    },
    advance() {},
    stageEnd(stage, summary) {
      print(`[${stage}] done: ${summary}`);
    },
    print,
    stop() {},
  };
}
