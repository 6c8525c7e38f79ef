import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CorruptShardError, iterateJsonlGz, JsonlRecordError, readJsonlGz, writeJsonlGz } from '../../lib/corpus/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { workspace } from './fixtures.ts';

let dir: string;
let store: ObjectStore;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, store, cleanup } = await workspace());
});
afterAll(() => cleanup());

const schema = z.object({ id: z.string(), n: z.number().int(), tags: z.array(z.string()) });
const recs = Array.from({ length: 5000 }, (_, i) => ({ id: `r${i}`, n: i, tags: i % 2 ? ['odd', 'ü'] : [] }));

describe('writeJsonlGz / readJsonlGz', () => {
  it('writes one JSON per line, gzip, and reads it back validated (await or for await)', async () => {
    const uri = join(dir, 'sub', 'a.jsonl.gz');
    const out = await writeJsonlGz(store, uri, recs);
    const raw = await readFile(uri);
    expect(out).toEqual({ records: recs.length, bytes: raw.length });
    expect(gunzipSync(raw).toString()).toBe(recs.map((r) => JSON.stringify(r) + '\n').join(''));
    expect(await readJsonlGz(store, uri, schema)).toEqual(recs);
    const streamed: unknown[] = [];
    for await (const r of readJsonlGz(store, uri, schema)) streamed.push(r);
    expect(streamed).toEqual(recs);
  });

  it('writes the same bytes for the same records, from an array or an async generator', async () => {
    async function* gen() {
      for (const r of recs) yield r;
    }
    await writeJsonlGz(store, join(dir, 'b1.jsonl.gz'), recs);
    await writeJsonlGz(store, join(dir, 'b2.jsonl.gz'), gen());
    const [b1, b2] = await Promise.all([readFile(join(dir, 'b1.jsonl.gz')), readFile(join(dir, 'b2.jsonl.gz'))]);
    expect(b1.equals(b2)).toBe(true);
    expect(b1.readUInt32LE(4)).toBe(0); // gzip header mtime
  });

  it('passes on the error of a failing record source, writing nothing', async () => {
    async function* failing() {
      yield { id: 'a' };
      throw new Error('source broke at record 2');
    }
    const uri = join(dir, 'never.jsonl.gz');
    await expect(writeJsonlGz(store, uri, failing())).rejects.toThrow('source broke at record 2');
    expect(await store.exists(uri)).toBe(false);
  });

  it('writes an empty, valid file for no records', async () => {
    const uri = join(dir, 'empty.jsonl.gz');
    expect(await writeJsonlGz(store, uri, [])).toMatchObject({ records: 0 });
    expect(await readJsonlGz(store, uri, schema)).toEqual([]);
  });

  it('names the uri, line and field path of a record that fails validation', async () => {
    const uri = join(dir, 'bad.jsonl.gz');
    await writeFile(uri, gzipSync('{"id":"a","n":1,"tags":[]}\n{"id":"b","n":2,"tags":[3]}\n'));
    const err = await Promise.resolve(readJsonlGz(store, uri, schema)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsonlRecordError);
    expect((err as Error).message).toMatch(new RegExp(`^${uri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} line 2: tags\\[0\\]: `));
    await writeFile(uri, gzipSync('{"id":"a","n":1,"tags":[]}\n\n{oops\n'));
    await expect(readJsonlGz(store, uri, schema)).rejects.toThrow(/bad\.jsonl\.gz line 3: not valid JSON/);
  });

  it('reports a truncated artifact as corrupt, naming it', async () => {
    const uri = join(dir, 'trunc.jsonl.gz');
    const full = gzipSync(recs.map((r) => JSON.stringify(r)).join('\n'));
    await writeFile(uri, full.subarray(0, full.length - 100));
    const seen: unknown[] = [];
    const err = await (async () => {
      for await (const r of iterateJsonlGz(store, uri, schema)) seen.push(r);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptShardError);
    expect((err as Error).message).toContain('trunc.jsonl.gz: corrupt or truncated gzip stream');
    expect(seen.length).toBeGreaterThan(0);
  });
});
