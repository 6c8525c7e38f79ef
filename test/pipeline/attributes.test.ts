/**
 * Attribute files as a user meets them: after a demo run, `attributes/<shard>.parquet` loaded with a plain parquet
 * reader (hyparquet) joins back to every document of the corpus by id, and says which were selected and which were
 * removed as duplicates, in agreement with the selection and the manifest.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planWorkItems, readDocs, readJsonlGz } from '../../lib/corpus/index.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { attributeKey } from '../../lib/pipeline/attributes.ts';
import { runJob } from '../../lib/pipeline/local-runner.ts';
import { createStore } from '../../lib/store/index.ts';
import { quickJob, smallDemoCorpus } from '../helpers/demo-job.ts';

let demo: { dir: string; cleanup: () => Promise<void> };
let output: string;
let manifest: { selected: { docs: number }; dedup?: { docsRemoved: number }; corpus: { docs: number } };
beforeAll(async () => {
  demo = await smallDemoCorpus(0.05);
  output = join(demo.dir, 'out');
  await runJob(quickJob(demo.dir, output, { sample: { docs: 200, seed: 7 } }), { workers: 0, log: silentLogger });
  manifest = JSON.parse(await readFile(join(output, 'manifest.json'), 'utf8'));
});
afterAll(async () => {
  await demo.cleanup();
});

type AttributeRow = { id: string; score: number; score_std: number; tokens_estimated: number; tokens_exact: number | null; selected: boolean; duplicate: boolean };

async function readAttributes(path: string): Promise<AttributeRow[]> {
  const bytes = await readFile(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return (await parquetReadObjects({ file })) as AttributeRow[];
}

describe('attribute files', () => {
  it('are named after the source shards and join back to every corpus document by id', async () => {
    const store = createStore();
    const corpus = join(demo.dir, 'corpus');
    const items = planWorkItems(await store.list(corpus), { maxItemBytes: Number.MAX_SAFE_INTEGER });
    const files = (await readdir(join(output, 'attributes'))).sort();
    expect(files).toEqual(items.map((it) => attributeKey(it).slice('attributes/'.length)).sort());
    expect(files.some((f) => f.startsWith('part-0000'))).toBe(true);

    const all = new Map<string, AttributeRow>();
    for (const item of items) {
      const rows = await readAttributes(join(output, attributeKey(item)));
      const ids: string[] = [];
      for await (const batch of readDocs(store, item, { textField: 'text', idField: 'id', onBadRecord: 'skip' })) for (const d of batch) ids.push(d.id);
      // Every good document of the shard, in reading order, by id: the join is one to one.
      expect(rows.map((r) => r.id)).toEqual(ids);
      for (const r of rows) all.set(r.id, r);
    }
    expect(all.size).toBe(manifest.corpus.docs);

    const rows = [...all.values()];
    expect(rows.filter((r) => r.selected)).toHaveLength(manifest.selected.docs);
    expect(rows.filter((r) => r.duplicate)).toHaveLength(manifest.dedup?.docsRemoved ?? 0);
    expect(rows.some((r) => r.selected && r.duplicate)).toBe(false);
    for (const r of rows) {
      expect(Number.isFinite(r.score)).toBe(true);
      expect(r.tokens_estimated).toBeGreaterThan(0);
      // Every selected document was counted exactly (the n-gram reference's tokenizer is local).
      if (r.selected) expect(r.tokens_exact).toBeGreaterThan(0);
    }

    // The selection's ids are exactly the rows flagged selected.
    const selectedIds: string[] = [];
    for (const f of (await readdir(join(output, 'selected'))).filter((n) => n.endsWith('.jsonl.gz'))) {
      for await (const rec of readJsonlGz(store, join(output, 'selected', f), z.object({ id: z.string() }).loose())) selectedIds.push(rec.id);
    }
    expect(selectedIds.sort()).toEqual(rows.filter((r) => r.selected).map((r) => r.id).sort());
  });
});
