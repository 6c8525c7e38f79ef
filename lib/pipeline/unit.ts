import { createHash } from 'node:crypto';
import type { WorkItem } from '../corpus/index.ts';
import type { ReferenceSpec } from '../job/index.ts';
import { referenceFiles } from '../reference/index.ts';
import { parseUri, type ObjectStore } from '../store/index.ts';
import type { RunFiles, UnitMarker } from '../run/index.ts';
import { StaleInputError } from './errors.ts';

/**
 * What a stage module declares of its units for the runner to complete: the stage's calls write their outputs under
 * deterministic keys, and the runner (lib/runner/markers.ts) wraps each declared unit in the resume protocol, which
 * skips it when it finished with the same inputs and its outputs still hold. A stage module never touches a marker:
 * it says what a unit reads (its inputs, with the earlier units' outputs it reads through {@link Upstream}) and writes.
 */

/** The unit name of single (non fan-out) stages. */
export const SINGLE_UNIT = 'all';

/** One unit of a call: its name within the stage, what it reads and writes, and the work that writes its outputs. */
export interface UnitWork<T> {
  /** The unit within the stage (an item id, a slice, or {@link SINGLE_UNIT} for single stages). */
  unit: string;
  /**
   * Everything the unit reads besides the spec (which every fingerprint covers): versions of corpus objects, digests of
   * artifacts from earlier units ({@link outputDigest}), quotas, thresholds. Any JSON; a change means a redo.
   */
  inputs: unknown;
  /** Keys (relative to the output prefix) of every file the unit writes; each is hashed and verified on resume. */
  outputs: readonly string[];
  /** Writes the outputs and returns what the marker keeps (the stored value is returned instead when the unit is skipped). */
  work: () => Promise<T>;
}

/**
 * A call that is one unit: the run it belongs to, the unit, and (when the stage returns more than what the marker
 * keeps) `finish`, which makes the stage's output of it.
 */
export interface DeclaredUnit<T, O = T> extends UnitWork<T> {
  run: RunFiles;
  finish?(kept: T): O;
}

/** A call that is several units (score: one per work item of its batch), done in order; `finish` makes the stage's output of what each kept. */
export interface DeclaredUnits<T, O> {
  run: RunFiles;
  units: UnitWork<T>[];
  finish(kept: T[]): O;
}

/** What a stage's declaration returns: one unit or several. */
export type Declared<O> = DeclaredUnit<any, O> | DeclaredUnits<any, O>;

/**
 * The finished units of earlier stages that a stage reads, by the names the stage module gives them; the registry
 * (stages.ts `reads`) says which stage each name is. Each gives the completion marker of one unit (the single unit by
 * default), and throws naming the marker when that unit has not finished.
 */
export type Upstream<Name extends string> = { readonly [N in Name]: (run: RunFiles, unit?: string) => Promise<UnitMarker> };

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

/** The recorded sha256 of one output of a finished unit: what a later unit's fingerprint covers. */
export function outputDigest(marker: UnitMarker, key: string): string {
  const found = marker.outputs.find((o) => o.key === key);
  if (!found) throw new StaleInputError(`completion marker has no output ${key}`);
  return found.sha256;
}
