import type { ObjectStore } from '../store/index.ts';
import { canonicalJson, type OutputDigest, type RunFiles, sha256, type UnitMarker, unitMarkerSchema } from '../run/index.ts';
import type { StageName } from '../pipeline/stages.ts';
import { type Declared, digestObject, MissingInputError, SINGLE_UNIT, type StageContext, type Upstream, type UnitWork } from '../pipeline/index.ts';

/**
 * The resume protocol: the runner wraps every unit a stage declares (lib/pipeline/unit.ts) in {@link resumable}, and
 * gives a stage the markers of the earlier units it reads (the registry's `reads`) through {@link finishedUnit}.
 */

/** One unit of work of a stage, as {@link resumable} sees it: a declared unit under its stage's name. */
export interface Unit extends Omit<UnitWork<unknown>, 'work'> {
  /** The stage, by its name in the registry (`sample`, `merge-sample`, `score`...): also the marker key's folder. */
  stage: StageName;
}

/** Where the completion marker of one unit of a stage lives. */
export function markerKey(stage: StageName, unit: string): string {
  return `plan/done/${stage}/${unit}.json`;
}

/** The fingerprint of a unit: its stage and name, the spec's hash and its inputs. */
export function unitFingerprint(run: RunFiles, unit: Pick<Unit, 'stage' | 'unit' | 'inputs'>): string {
  return sha256(canonicalJson({ stage: unit.stage, unit: unit.unit, spec: run.plan.specHash, inputs: unit.inputs ?? null })).slice(0, 32);
}

async function readMarker(store: ObjectStore, uri: string): Promise<UnitMarker | undefined> {
  if (!(await store.head(uri))) return undefined;
  const parsed = unitMarkerSchema.safeParse(await store.readJson(uri).catch(() => undefined));
  return parsed.success ? parsed.data : undefined;
}

/** Why a marker's recorded outputs no longer hold (a file missing, truncated or changed), or undefined when they do. */
async function outputsMismatch(ctx: StageContext, run: RunFiles, marker: UnitMarker, unit: Unit): Promise<string | undefined> {
  const recorded = marker.outputs.map((o) => o.key).join('\n');
  if (recorded !== unit.outputs.join('\n')) return 'its outputs are not the ones recorded';
  for (const o of marker.outputs) {
    const uri = run.uri(o.key);
    const head = await ctx.store.head(uri);
    if (!head) return `${o.key} is missing`;
    if (head.size !== o.size) return `${o.key} has ${head.size} bytes, ${o.size} were written`;
    const now = await digestObject(ctx.store, uri);
    if (now.sha256 !== o.sha256) return `${o.key} changed since it was written (sha256 differs)`;
  }
  return undefined;
}

/**
 * Runs `work` unless this unit already finished with the same fingerprint and every output it recorded is still
 * there with the same size and sha256; then the stored output is returned. Otherwise the unit is (re)done: its outputs
 * have deterministic keys, so a redo overwrites them, and the marker is written after them, so a crash mid-way simply
 * redoes the unit at the next run.
 */
export async function resumable<T>(ctx: StageContext, run: RunFiles, unit: Unit, work: () => Promise<T>): Promise<T> {
  const uri = run.uri(markerKey(unit.stage, unit.unit));
  const fingerprint = unitFingerprint(run, unit);
  const marker = await readMarker(ctx.store, uri);
  if (marker) {
    const why = marker.fingerprint !== fingerprint ? 'its inputs changed' : await outputsMismatch(ctx, run, marker, unit);
    if (why === undefined) {
      ctx.log.debug(`${unit.stage} ${unit.unit}: outputs exist and match, skipped`);
      return marker.output as T;
    }
    ctx.log.info(`${unit.stage} ${unit.unit}: redone (${why})`);
    // The old marker must not vouch for outputs this redo is about to replace.
    await ctx.store.delete(uri);
  }
  const output = await work();
  const outputs: OutputDigest[] = [];
  for (const key of unit.outputs) outputs.push({ key, ...(await digestObject(ctx.store, run.uri(key))) });
  const record: UnitMarker = { version: 2, fingerprint, outputs, output };
  await ctx.store.writeJson(uri, record);
  return output;
}

/** The marker of a finished unit (an earlier stage's): throws naming the marker when the unit has not finished. */
export async function finishedUnit(store: ObjectStore, run: RunFiles, stage: StageName, unit: string): Promise<UnitMarker> {
  const uri = run.uri(markerKey(stage, unit));
  const marker = await readMarker(store, uri);
  if (!marker) throw new MissingInputError(`${uri}: no valid completion marker: the ${stage} stage has not finished ${unit === SINGLE_UNIT ? 'its work' : `unit ${unit}`}`);
  return marker;
}

/**
 * Completes what a stage call declared: each of its units through {@link resumable}, in order, under the stage's
 * name; the call's output is what the units kept, through the declaration's `finish` when it has one.
 */
export async function completeDeclared<O>(ctx: StageContext, stage: StageName, declared: Declared<O>): Promise<O> {
  if ('units' in declared) {
    const kept: unknown[] = [];
    for (const { work, ...unit } of declared.units) kept.push(await resumable(ctx, declared.run, { stage, ...unit }, work));
    return declared.finish(kept);
  }
  const { run, work, finish, ...unit } = declared;
  const kept = await resumable(ctx, run, { stage, ...unit }, work);
  return finish ? finish(kept) : (kept as O);
}

/** The finished units a stage reads, each name bound to the stage the registry says it is (`reads`). */
export function upstreamOf(store: ObjectStore, reads: Readonly<Record<string, StageName>>): Upstream<string> {
  return Object.fromEntries(
    Object.entries(reads).map(([name, stage]) => [name, (run: RunFiles, unit: string = SINGLE_UNIT) => finishedUnit(store, run, stage, unit)]),
  );
}
