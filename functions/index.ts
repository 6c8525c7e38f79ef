/**
 * The single Lambda artifact: every stage function runs this bundle and picks its handler by the STAGE environment
 * variable, so esbuild bundles once per synth (one artifact, many functions, each with its own memory and timeout).
 */
import type { Context } from 'aws-lambda';
import { handler as dedup } from './dedup/handler.ts';
import { handler as dedupClusters } from './dedup-clusters/handler.ts';
import { handler as count } from './count/handler.ts';
import { handler as finalize } from './finalize/handler.ts';
import { handler as fit } from './fit/handler.ts';
import { handler as mergeLabels } from './merge-labels/handler.ts';
import { handler as mergeSample } from './merge-sample/handler.ts';
import { handler as plan } from './plan/handler.ts';
import { handler as recordFailure } from './record-failure/handler.ts';
import { handler as reduce } from './reduce/handler.ts';
import { handler as reference } from './reference/handler.ts';
import { handler as sample } from './sample/handler.ts';
import { handler as score } from './score/handler.ts';
import { handler as select } from './select/handler.ts';
import { handler as settle } from './settle/handler.ts';
import { handler as start } from './start/handler.ts';

/** Every Lambda handler by the STAGE value the stack sets. */
export const handlers = {
  plan,
  sample,
  'merge-sample': mergeSample,
  reference,
  'merge-labels': mergeLabels,
  fit,
  score,
  dedup,
  'dedup-clusters': dedupClusters,
  reduce,
  count,
  settle,
  select,
  finalize,
  'record-failure': recordFailure,
  start,
} as const;

export type HandlerName = keyof typeof handlers;

/** Dispatches to the handler named by STAGE. */
export async function handler(event: unknown, context: Context): Promise<unknown> {
  const stage = process.env.STAGE as HandlerName | undefined;
  const chosen = stage ? handlers[stage] : undefined;
  if (!chosen) throw new Error(`STAGE must name one of ${Object.keys(handlers).join(', ')} (got ${JSON.stringify(stage)})`);
  return (chosen as (e: unknown, c: Context) => Promise<unknown>)(event, context);
}
