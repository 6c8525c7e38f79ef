/**
 * How the runner shows progress: the phases it starts and ends, and lines to print without tangling them. The CLI's
 * displays (bars, lines) are lib/cli's; a caller that wants none passes `noDisplay`.
 */
export interface ProgressDisplay {
  stageStart(stage: string, total: number, unit: 'bytes' | 'docs' | 'items' | 'calls'): void;
  advance(amount: number): void;
  stageEnd(stage: string, summary: string): void;
  print(line: string): void;
  stop(): void;
}

export const noDisplay: ProgressDisplay = {
  stageStart() {},
  advance() {},
  stageEnd() {},
  print() {},
  stop() {},
};
