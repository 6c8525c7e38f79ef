import type { ObjectInfo } from '../store/index.ts';
import { detectFormat } from './formats.ts';
import type { WorkItem } from './types.ts';

export interface PlanWorkItemsOptions {
  /** Uncompressed `.jsonl` shards larger than this are split into byte ranges of at most this size. */
  maxItemBytes: number;
}

/** Byte-order comparison of keys (not locale order), so plans are the same on every machine. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Cuts a corpus listing into work items: one per shard, sorted by key, with ids that are the 5-digit index of the shard
 * among the readable ones (`00003`). Uncompressed `.jsonl` shards larger than `maxItemBytes` become equal byte ranges
 * `00003-r0000`, `00003-r0001`, ...; a range item owns every line whose first byte lies in [start, end).
 * Files of unknown format and empty files are skipped.
 */
export function planWorkItems(objects: readonly ObjectInfo[], options: PlanWorkItemsOptions): WorkItem[] {
  const { maxItemBytes } = options;
  if (!Number.isFinite(maxItemBytes) || maxItemBytes < 1) {
    throw new RangeError(`planWorkItems: maxItemBytes must be a positive number, got ${maxItemBytes}`);
  }
  const shards = objects
    .filter((o) => o.size > 0 && detectFormat(o.key) !== undefined)
    .sort((a, b) => compareKeys(a.key, b.key));
  const items: WorkItem[] = [];
  shards.forEach((o, index) => {
    const format = detectFormat(o.key)!;
    const id = String(index).padStart(5, '0');
    const base = { uri: o.uri, key: o.key, format, size: o.size, etag: o.etag };
    if (format !== 'jsonl' || o.size <= maxItemBytes) {
      items.push({ id, ...base, bytes: o.size });
      return;
    }
    const count = Math.ceil(o.size / maxItemBytes);
    const step = Math.ceil(o.size / count);
    for (let r = 0; r < count; r++) {
      const start = r * step;
      const end = Math.min(o.size, start + step);
      if (start >= end) break;
      items.push({ id: `${id}-r${String(r).padStart(4, '0')}`, ...base, range: { start, end }, bytes: end - start });
    }
  });
  return items;
}
