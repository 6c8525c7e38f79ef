import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { BadRecordLog, planWorkItems, readDocs } from '../../lib/corpus/index.ts';
import type { Cluster } from '../../lib/dedup/clusters.ts';
import { createStore } from '../../lib/store/index.ts';

/** A demo corpus read back: documents per work item (id, text) and each document's duplicate group from the labels. */
export interface LabelledCorpus {
  items: { id: string; text: string }[][];
  /**
   * Per document id, its true duplicate group: the source of the original for originals and their exact and near
   * copies (`near-duplicate-of:<source>`, `exact-duplicate-of:<source>`); absent for documents nobody copied.
   */
  group: Map<string, string>;
  category: Map<string, string>;
}

/**
 * The demo's labels: each document's category, and its true duplicate group (the source of the original, for
 * originals and their `near-duplicate-of:` / `exact-duplicate-of:` copies; absent for documents nobody copied).
 */
export async function readDemoLabels(dir: string): Promise<{ group: Map<string, string>; category: Map<string, string> }> {
  const labels = gunzipSync(await readFile(join(dir, 'labels.jsonl.gz')))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; category: string; source: string });
  const copyOf = (source: string) => /^(?:near|exact)-duplicate-of:(.*)$/.exec(source)?.[1];
  const copied = new Set(labels.map((l) => copyOf(l.source)).filter((s): s is string => s !== undefined));
  const group = new Map<string, string>();
  const category = new Map<string, string>();
  for (const l of labels) {
    category.set(l.id, l.category);
    const g = copyOf(l.source) ?? (copied.has(l.source) ? l.source : undefined);
    if (g !== undefined) group.set(l.id, g);
  }
  return { group, category };
}

export async function readLabelledCorpus(dir: string): Promise<LabelledCorpus> {
  const store = createStore({});
  const listing = await store.list(join(dir, 'corpus'));
  const items: { id: string; text: string }[][] = [];
  for (const item of planWorkItems(listing, { maxItemBytes: 1 << 30 })) {
    const docs: { id: string; text: string }[] = [];
    const opts = { textField: 'text', idField: 'id', onBadRecord: 'skip' as const, onBad: (b: unknown) => new BadRecordLog().add(b as never) };
    for await (const batch of readDocs(store, item, opts)) for (const d of batch) docs.push({ id: d.id, text: d.text });
    items.push(docs);
  }
  const { group, category } = await readDemoLabels(dir);
  return { items, group, category };
}

/**
 * Recall and precision of the removals against the labelled groups. A group of k documents holds k - 1 redundant
 * copies; a removal is correct when it and the document kept in its stead belong to the same group. Recall is correct
 * removals over redundant copies; precision is correct removals over all removals.
 */
export function scoreRemovals(
  clusters: readonly Cluster[],
  idOf: (ref: { item: number; pos: number }) => string,
  group: ReadonlyMap<string, string>,
): { recall: number; precision: number; removed: number; correct: number; redundant: number; wrong: { removed: string; kept: string }[] } {
  const sizes = new Map<string, number>();
  for (const g of group.values()) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  let redundant = 0;
  for (const n of sizes.values()) redundant += n - 1;
  let removed = 0;
  let correct = 0;
  const wrong: { removed: string; kept: string }[] = [];
  for (const c of clusters) {
    for (const r of c.removed) {
      removed++;
      const a = idOf(r.ref);
      const b = idOf(r.keptBy);
      if (group.get(a) !== undefined && group.get(a) === group.get(b)) correct++;
      else wrong.push({ removed: a, kept: b });
    }
  }
  return { recall: redundant ? correct / redundant : 1, precision: removed ? correct / removed : 1, removed, correct, redundant, wrong };
}

/** Exact Jaccard of two texts' word n-gram sets (lowercased letter/digit runs), computed from the sets themselves. */
export function shingleJaccard(a: string, b: string, n: number): number {
  const shingles = (t: string) => {
    const w = t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const s = new Set<string>();
    for (let i = 0; i + n <= w.length; i++) s.add(w.slice(i, i + n).join(' '));
    if (w.length > 0 && w.length < n) s.add(w.join(' '));
    return s;
  };
  const sa = shingles(a);
  const sb = shingles(b);
  let both = 0;
  for (const x of sa) if (sb.has(x)) both++;
  const union = sa.size + sb.size - both;
  return union ? both / union : 0;
}
