import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWorkItems, writeTextParquet } from '../../lib/corpus/index.ts';
import { createStore } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { allDocs, makeRecords, workspace } from './fixtures.ts';

let dir: string;
let store: ObjectStore;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, store, cleanup } = await workspace());
});
afterAll(() => cleanup());

const records = [...makeRecords(3000, 7), { id: 'empty', text: '' }, { id: 'nul\u0000and🙂', text: 'line\nbreak "quoted" \u00e9' }];

async function readBack(uri: string): Promise<{ id: string; text: string }[]> {
  const bytes = await readFile(uri);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as { id: string; text: string }[];
}

describe('writeTextParquet', () => {
  it('writes {id, text} rows that hyparquet reads back exactly, in order, across several row groups', async () => {
    const uri = join(dir, 'sel', 'a.parquet');
    const out = await writeTextParquet(store, uri, records, { rowGroupDocs: 700 });
    const raw = await readFile(uri);
    expect(out).toEqual({ records: records.length, bytes: raw.length });
    const meta = parquetMetadata(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
    expect(meta.row_groups.length).toBe(Math.ceil(records.length / 700));
    expect(meta.schema.map((s) => s.name)).toEqual(['root', 'id', 'text']);
    expect(await readBack(uri)).toEqual(records);
  });

  it('cuts row groups by text size too, so one group never holds unbounded text', async () => {
    const uri = join(dir, 'sel', 'chars.parquet');
    await writeTextParquet(store, uri, records, { rowGroupChars: 10_000 });
    const raw = await readFile(uri);
    const meta = parquetMetadata(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer);
    const chars = records.reduce((a, r) => a + r.text.length, 0);
    expect(meta.row_groups.length).toBeGreaterThanOrEqual(Math.floor(chars / 10_000));
    expect(await readBack(uri)).toEqual(records);
  });

  it('gives the same bytes for the same records, from an array or an async generator', async () => {
    async function* gen() {
      for (const r of records) yield r;
    }
    await writeTextParquet(store, join(dir, 'b1.parquet'), records);
    await writeTextParquet(store, join(dir, 'b2.parquet'), gen());
    const [b1, b2] = await Promise.all([readFile(join(dir, 'b1.parquet')), readFile(join(dir, 'b2.parquet'))]);
    expect(b1.equals(b2)).toBe(true);
  });

  it('is itself a valid proxysel corpus shard: the parquet reader yields the same documents', async () => {
    const docs = records.filter((r) => r.text.length > 0);
    const uri = join(dir, 'part-0.parquet');
    await writeTextParquet(store, uri, docs, { rowGroupDocs: 1000 });
    const [item] = planWorkItems([{ uri, key: 'part-0.parquet', size: (await readFile(uri)).length, etag: 'x' }], { maxItemBytes: 1 << 30 });
    const seen = (await allDocs(store, item!, { onBadRecord: 'fail' })).map((d) => ({ id: d.id, text: d.text }));
    expect(seen).toEqual(docs);
  });

  it('reports a failure of the record source as the cause, not as a broken file', async () => {
    async function* failing() {
      yield { id: 'a', text: 'one' };
      throw new Error('part-0007.jsonl.gz line 12: not valid JSON');
    }
    await expect(writeTextParquet(store, join(dir, 'fail.parquet'), failing())).rejects.toThrow(/part-0007\.jsonl\.gz line 12/);
    expect(await store.head(join(dir, 'fail.parquet'))).toBeUndefined(); // no half-written file under the final name
  });

  it('streams to an S3-protocol server (s3rver) in several parts, readable back byte for byte', async () => {
    const server = await startS3rver(['out']);
    try {
      const s3 = createStore({ s3: { ...server.s3, partSize: 5 * 1024 * 1024 } });
      const big = makeRecords(20_000, 3, 400);
      const out = await writeTextParquet(s3, 's3://out/sel/big.parquet', big, { rowGroupDocs: 4000 });
      const back = await s3.read('s3://out/sel/big.parquet');
      expect(back.length).toBe(out.bytes);
      const rows = await parquetReadObjects({ file: back.buffer.slice(back.byteOffset, back.byteOffset + back.byteLength) as ArrayBuffer });
      expect(rows).toEqual(big);
    } finally {
      await server.close();
    }
  });
});
