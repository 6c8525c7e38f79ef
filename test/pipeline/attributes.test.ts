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
import { runJob } from '../../lib/runner/local-runner.ts';
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

describe('the selected documents', () => {
  it("keep the source record's other fields by default, {id, text} with fields: text, and can be written as jsonl.gz and parquet at once", async () => {
    const { mkdir, writeFile: write } = await import('node:fs/promises');
    const { gzipSync } = await import('node:zlib');
    const corpus = join(demo.dir, 'with-fields');
    await mkdir(corpus, { recursive: true });
    const source = join(demo.dir, 'corpus', 'part-0000.jsonl.gz');
    const store = createStore();
    const [item] = planWorkItems([(await store.list(join(demo.dir, 'corpus'))).find((o) => o.uri.endsWith('part-0000.jsonl.gz'))!], { maxItemBytes: Number.MAX_SAFE_INTEGER });
    const lines: string[] = [];
    for await (const batch of readDocs(store, item!, { textField: 'text', idField: 'id', onBadRecord: 'skip' })) {
      for (const d of batch) lines.push(JSON.stringify({ url: `https://example.com/${d.id}`, id: d.id, text: d.text, meta: { lang: 'en' } }));
    }
    expect(source).toBeTruthy();
    await write(join(corpus, 'part-0000.jsonl.gz'), gzipSync(lines.join('\n') + '\n'));
    const job = (out: string, materialize: unknown) =>
      quickJob(demo.dir, out, { corpus: { uri: corpus }, sample: { docs: 60, seed: 7 }, proxy: { kind: 'hashed-ensemble', members: 2, buckets: 1024, epochs: 3 }, materialize });

    const both = join(demo.dir, 'out-both');
    await runJob(job(both, { format: ['jsonl.gz', 'parquet'] }), { workers: 0, log: silentLogger });
    const gz = [];
    for await (const r of readJsonlGz(store, join(both, 'selected', `${item!.id}.jsonl.gz`), z.object({ id: z.string() }).loose())) gz.push(r);
    expect(gz.length).toBeGreaterThan(0);
    expect(Object.keys(gz[0]!)).toEqual(['id', 'text', 'url', 'meta']);
    expect(gz[0]).toMatchObject({ url: `https://example.com/${gz[0]!.id}`, meta: { lang: 'en' } });
    const bytes = await readFile(join(both, 'selected', `${item!.id}.parquet`));
    const pq = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as { id: string }[];
    expect(pq.map((r) => r.id)).toEqual(gz.map((r) => r.id));

    const textOnly = join(demo.dir, 'out-text');
    await runJob(job(textOnly, { format: 'jsonl.gz', fields: 'text' }), { workers: 0, log: silentLogger });
    for await (const r of readJsonlGz(store, join(textOnly, 'selected', `${item!.id}.jsonl.gz`), z.object({ id: z.string() }).loose())) {
      expect(Object.keys(r)).toEqual(['id', 'text']);
    }
  });
});
