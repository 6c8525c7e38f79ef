import { writeReport } from '../report/index.ts';
import { markSuccess, readPlan, releaseExecutionLock } from '../run/index.ts';
import type { ReportInput, StageContext } from './types.ts';

/**
 * report: renders report.html from the run's files (manifest.json, the run files it draws, and run.json when the
 * local runner wrote one), then writes _SUCCESS, the last write of a run.
 */
export async function reportRun(event: ReportInput, ctx: StageContext): Promise<{ plan: string; report: string }> {
  const run = await readPlan(ctx.store, event.plan);
  const report = await writeReport(ctx.store, run.output);
  await markSuccess(ctx.store, run.output);
  if (event.execution) await releaseExecutionLock(ctx.store, run.output, event.execution);
  ctx.log.info(`report: ${report}`);
  return { plan: event.plan, report };
}
