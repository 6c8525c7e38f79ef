/**
 * The streamed score file: several row groups read back as one table, in order; an aborted file leaves nothing.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScoreFile, readScoreIds, ScoreFileWriter } from '../../lib/run/index.ts';
import { createStore, ObjectStream } from '../../lib/store/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxysel-score-stream-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ScoreFileWriter', () => {
  it('writes row groups as they fill, and the file reads back whole and in order', async () => {
    const store = createStore();
    const uri = join(dir, 'scores.parquet');
    const w = new ScoreFileWriter(new ObjectStream(store, uri));
    const n = 150_000; // row groups of at least 65,536 rows, the second held to 140,000
    for (let i = 0; i < n; i++) {
      w.add(`d${i}`, i, i * 10, i % 997, i % 101, i % 991, i % 89, i / 8, 0.5, i % 3 === 0 ? 0x80000001 : 0);
      // Flushed every 1000 rows, or held past a row group and past the writer's first capacity (69,632 rows).
      if (i % 1000 === 999 && (i < 60_000 || i > 140_000)) await w.flush();
    }
    await w.close();
    expect(w.docs).toBe(n);
    const rows = await readScoreFile(store, uri);
    expect(rows).toHaveLength(n);
    expect(rows[0]).toMatchObject({ id: 'd0', row: 0, rules: 0x80000001 });
    expect(rows[n - 1]).toMatchObject({ id: `d${n - 1}`, row: n - 1, offset: (n - 1) * 10, score: (n - 1) / 8 });
    expect(rows.every((r, i) => r.row === i)).toBe(true);
    // The dedup summary's id lookup: rows in the first, second and last row group, asked out of order and twice.
    const ids = await readScoreIds(store, uri, [n - 1, 70_000, 0, 65_535, 65_536, 70_000]);
    expect([...ids].sort((a, b) => a[0] - b[0])).toEqual([0, 65_535, 65_536, 70_000, n - 1].map((p) => [p, `d${p}`]));
    await expect(readScoreIds(store, uri, [n])).rejects.toThrow(new RegExp(`row ${n}: past the end`));
  });

  it('leaves no file and no temporary file when aborted', async () => {
    const store = createStore();
    const sub = join(dir, 'aborted');
    const w = new ScoreFileWriter(new ObjectStream(store, join(sub, 'scores.parquet')));
    w.add('x', 0, 0, 1, 1, 1, 1, 0, 0, 0);
    await w.abort(new Error('the item failed'));
    expect(await store.exists(join(sub, 'scores.parquet'))).toBe(false);
    expect((await readdir(sub).catch(() => [])).length).toBe(0);
  });
});
