/**
 * The single Lambda artifact: every stage function runs this bundle and picks its handler by the STAGE environment
 * variable, so esbuild bundles once per synth (one artifact, many functions, each with its own memory and timeout).
 * The pipeline's stages come from the stage registry (name, input schema, function); two more functions are the
 * workflow's Catch target (record-failure) and the EventBridge target that starts it (start).
 */
import type { Context } from 'aws-lambda';
import { stageNames, stages, type PlanOutput, type StageContext, type StageName } from '../lib/pipeline/index.ts';
import { loadStage } from '../lib/runner/index.ts';
import { handler as recordFailure } from './record-failure/handler.ts';
import { cloudPlanOutput, stageHandler } from './shared/index.ts';
import { handler as start } from './start/handler.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Cloud-only fields a stage's Lambda adds to its output: the plan's ItemReader/ResultWriter locations. */
const cloudOutputs: Partial<Record<StageName, (output: never) => unknown>> = {
  plan: (output: PlanOutput) => cloudPlanOutput(output),
};

/** The Lambda handler of a registry stage: validates the event with the stage's schema, calls the stage. */
function stageLambda(stage: StageName): Handler {
  const run = async (input: unknown, ctx: StageContext) => ((await loadStage(stage)) as (input: unknown, ctx: StageContext) => Promise<unknown>)(input, ctx);
  return stageHandler(stage, stages[stage].input, run, { shapeOutput: cloudOutputs[stage] as ((output: unknown) => unknown) | undefined });
}

/** Every Lambda handler by the STAGE value the stack sets: the registry's stages, record-failure and start. */
export const handlers: Record<StageName | 'record-failure' | 'start', Handler> = {
  ...(Object.fromEntries(stageNames.map((stage) => [stage, stageLambda(stage)])) as Record<StageName, Handler>),
  'record-failure': recordFailure as Handler,
  start: start as Handler,
};

export type HandlerName = keyof typeof handlers;

/** Dispatches to the handler named by STAGE. */
export async function handler(event: unknown, context: Context): Promise<unknown> {
  const stage = process.env.STAGE as HandlerName | undefined;
  const chosen = stage ? handlers[stage] : undefined;
  if (!chosen) throw new Error(`STAGE must name one of ${Object.keys(handlers).join(', ')} (got ${JSON.stringify(stage)})`);
  return chosen(event, context);
}
