/**
 * The one way a stage is called: the local runner, its worker threads, the Lambda handlers and the Batch entrypoint all
 * go through {@link runStage} (or {@link loadStage}, when the caller validated the input itself). For a stage of units
 * (the registry's `declare`), each unit it declares runs through the resume protocol (markers.ts), with the finished
 * units it reads bound by the registry's `reads`; the stage module never touches a marker.
 */
import type { StageContext } from '../pipeline/index.ts';
import { parseStageInput, type ParsedStageInput, type StageName, type StageOutput, stages } from '../pipeline/stages.ts';

type StageFunction<S extends StageName> = (input: ParsedStageInput<S>, ctx: StageContext) => Promise<StageOutput<S>>;

/** The stage function of `stage`, typed by the registry (the Lambda handler calls it on an event it validated). */
export async function loadStage<S extends StageName>(stage: S): Promise<StageFunction<S>> {
  const definition: { load?: () => Promise<unknown>; declare?: () => Promise<unknown>; reads?: Readonly<Record<string, string>> } = stages[stage];
  if (definition.load) return (await definition.load()) as StageFunction<S>;
  const [{ completeDeclared, upstreamOf }, declare] = await Promise.all([import('./markers.ts'), definition.declare!()]);
  const declareUnits = declare as (input: unknown, ctx: StageContext, upstream: unknown) => Promise<Parameters<typeof completeDeclared<StageOutput<S>>>[2]>;
  // `reads` names registry stages: stages.ts does not compile otherwise.
  const reads = (definition.reads ?? {}) as Readonly<Record<string, StageName>>;
  return async (input, ctx) => completeDeclared(ctx, stage, await declareUnits(input, ctx, upstreamOf(ctx.store, reads)));
}

/** Runs one call of a stage as every caller does: validate the input, then call the stage. */
export async function runStage<S extends StageName>(stage: S, input: unknown, ctx: StageContext): Promise<StageOutput<S>> {
  const parsed = parseStageInput(stage, input);
  return (await loadStage(stage))(parsed, ctx);
}
