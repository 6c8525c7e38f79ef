import { createHash } from 'node:crypto';
import type { WorkItem } from '../corpus/index.ts';
import type { ReferenceSpec } from '../job/index.ts';
import { referenceFiles } from '../reference/index.ts';
import { parseUri, type ObjectStore } from '../store/index.ts';
import { canonicalJson, type OutputDigest, type RunFiles, sha256, type UnitMarker, unitMarkerSchema } from '../run/index.ts';
import type { StageName } from './stages.ts';
import type { StageContext } from './types.ts';
import { MissingInputError, StaleInputError } from './errors.ts';

/** One unit of work of a stage, as {@link resumable} sees it. */
export interface Unit {
  /** The stage, by its name in the registry (`sample`, `merge-sample`, `score`...): also the marker key's folder. */
  stage: StageName;
  /** The unit within the stage (an item id, a slice, or `all` for single stages). */
  unit: string;
  /**
   * Everything the unit reads besides the spec (which every fingerprint covers): versions of corpus objects, digests of
   * artifacts from earlier units ({@link outputDigest}), quotas, thresholds. Any JSON; a change means a redo.
   */
  inputs: unknown;
  /** Keys (relative to the output prefix) of every file the unit writes; each is hashed and verified on resume. */
  outputs: readonly string[];
}

/**
 * A unit as a stage module declares it for the registry to complete (`completedUnit` in stages.ts), which adds the
 * stage's name: the run it belongs to, what it reads and writes, the work that writes the outputs and returns what the
 * marker keeps, and (when the stage returns more than that) `finish`, which makes the stage's output of it. The stage
 * module never touches the marker.
 */
export interface DeclaredUnit<T, O = T> extends Omit<Unit, 'stage'> {
  run: RunFiles;
  work: () => Promise<T>;
  finish?: (kept: T) => O;
}

/** The unit name of single (non fan-out) stages. */
export const SINGLE_UNIT = 'all';

/** Where the completion marker of one unit of a stage lives. */
export function markerKey(stage: StageName, unit: string): string {
  return `plan/done/${stage}/${unit}.json`;
}

/** The fingerprint of a unit: its stage and name, the spec's hash and its inputs. */
export function unitFingerprint(run: RunFiles, unit: Pick<Unit, 'stage' | 'unit' | 'inputs'>): string {
  return sha256(canonicalJson({ stage: unit.stage, unit: unit.unit, spec: run.plan.specHash, inputs: unit.inputs ?? null })).slice(0, 32);
}

/** The version of a work item as listed: what the sample, score and select units of it read from the corpus. */
export function itemVersion(item: WorkItem): Record<string, unknown> {
  return { id: item.id, uri: item.uri, etag: item.etag, size: item.size, range: item.range ?? null };
}

/** Size and sha256 of a stored object, streamed. Throws naming the URI when it cannot be read. */
export async function digestObject(store: ObjectStore, uri: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.readStream(uri)) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    hash.update(bytes);
    size += bytes.length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Versions of the files that identify a reference model (`referenceFiles`, which each backend answers in
 * lib/reference: the n-gram text, the onnx folder; none for openai, whose spec identifies it): key, size and ETag (the
 * sha256 of a local file's bytes) of each, so that replacing the model or text at the same location redoes what
 * depends on it.
 */
export async function referenceVersion(store: ObjectStore, reference: ReferenceSpec | undefined): Promise<unknown> {
  const uri = reference ? referenceFiles(reference) : undefined;
  if (uri === undefined) return null;
  const objects = await store.list(uri);
  // A local file's listed version is its mtime and size, which an edit in place can leave as they were: its bytes count.
  if (parseUri(uri).scheme === 'file') {
    const out = [];
    for (const o of objects) out.push({ key: o.key, size: o.size, sha256: (await digestObject(store, o.uri)).sha256 });
    return out;
  }
  return objects.map((o) => ({ key: o.key, size: o.size, etag: o.etag }));
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

/** The recorded sha256 of one output of a finished unit: what a later unit's fingerprint covers. */
export function outputDigest(marker: UnitMarker, key: string): string {
  const found = marker.outputs.find((o) => o.key === key);
  if (!found) throw new StaleInputError(`completion marker has no output ${key}`);
  return found.sha256;
}
