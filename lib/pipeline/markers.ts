import { z } from 'zod';
import type { WorkItem } from '../corpus/types.ts';
import { canonicalJson, sha256, type RunFiles } from './plan-file.ts';
import type { StageContext } from './types.ts';

const markerSchema = z.object({ fingerprint: z.string(), output: z.unknown() });

/** Where the completion marker of one unit of a stage lives. */
export function markerKey(stage: string, unit: string): string {
  return `plan/done/${stage}/${unit}.json`;
}

/** Identifies the inputs a unit of work depended on: the spec, the item's version, and any extra inputs. */
export function unitFingerprint(run: RunFiles, stage: string, item: WorkItem | string, extra = ''): string {
  const itemPart = typeof item === 'string' ? item : { id: item.id, etag: item.etag, range: item.range ?? null, size: item.size };
  return sha256(canonicalJson({ stage, spec: run.plan.specHash, item: itemPart, extra })).slice(0, 24);
}

/**
 * Runs `work` unless a marker says this unit already finished with the same fingerprint, in which case its stored
 * output is returned. The marker is written after the outputs, so a crash mid-way simply redoes the unit; outputs
 * have deterministic keys, so a redo overwrites.
 */
export async function resumable<T>(
  ctx: StageContext,
  run: RunFiles,
  stage: string,
  unit: string,
  fingerprint: string,
  work: () => Promise<T>,
): Promise<T> {
  const uri = run.uri(markerKey(stage, unit));
  const existing = await ctx.store.head(uri);
  if (existing) {
    const parsed = markerSchema.safeParse(await ctx.store.readJson(uri).catch(() => undefined));
    if (parsed.success && parsed.data.fingerprint === fingerprint) {
      ctx.log.debug(`${stage} ${unit}: outputs exist and match, skipped`);
      return parsed.data.output as T;
    }
  }
  const output = await work();
  await ctx.store.writeJson(uri, { fingerprint, output });
  return output;
}
