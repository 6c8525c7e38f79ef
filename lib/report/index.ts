import { artifactKeys } from '../run/index.ts';
import { joinUri } from '../store/index.ts';
import type { ObjectStore } from '../store/index.ts';
import { loadReportData, type LoadReportOptions } from './data.ts';
import { renderReport } from './render.ts';
export { loadReportData } from './data.ts';
export { renderReport } from './render.ts';

/** Renders report.html from the artifacts of a finished run under `output` and writes it beside manifest.json. */
export async function writeReport(store: ObjectStore, output: string, options: LoadReportOptions = {}): Promise<string> {
  const data = await loadReportData(store, output, options);
  const uri = joinUri(output, artifactKeys.report);
  await store.write(uri, renderReport(data), { contentType: 'text/html; charset=utf-8' });
  return uri;
}
