/** The dedup stages' removal lists and summary as reduce, count, select, finalize and the report read them. */
import type { ObjectStore } from '../store/types.ts';
import { artifactKeys } from './keys.ts';
import { canonicalJson, sha256, type RunFiles } from './plan-file.ts';
import { dedupSummarySchema, removedFileSchema, type DedupSummary, type RemovedFile } from './schemas.ts';

/** The run's dedup summary, or undefined when the spec deduplicates nothing. */
export async function readDedupSummary(store: ObjectStore, run: RunFiles): Promise<DedupSummary | undefined> {
  if (run.plan.spec.dedup.kind === 'none') return undefined;
  return store.readJson(run.uri(artifactKeys.dedupSummary), dedupSummarySchema);
}

/** Removal lists by item, as reduce, select and the report read them. */
export interface RemovedRows {
  summary: DedupSummary | undefined;
  /** One item's removed rows (empty when deduplication removed none of its documents). */
  forItem(item: string): Promise<RemovedFile>;
}

export async function removedRows(store: ObjectStore, run: RunFiles): Promise<RemovedRows> {
  const summary = await readDedupSummary(store, run);
  const withRemovals = new Set(summary?.itemsWithRemovals ?? []);
  return {
    summary,
    async forItem(item) {
      if (!withRemovals.has(item)) return { item, rows: [], keys: [], tokens: [] };
      return store.readJson(run.uri(artifactKeys.dedupRemoved(item)), removedFileSchema);
    },
  };
}

/** A short hash of the dedup summary (for the fingerprints of the stages that obey it). */
export function dedupSummaryHash(summary: DedupSummary | undefined): string {
  return summary ? sha256(canonicalJson(summary)).slice(0, 16) : 'none';
}
