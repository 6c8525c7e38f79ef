import { describe, expect, it } from 'vitest';
import { detectFormat, planWorkItems } from '../../lib/corpus/index.ts';
import type { ObjectInfo } from '../../lib/store/types.ts';

const obj = (key: string, size: number): ObjectInfo => ({ uri: `s3://corpora/demo/${key}`, key, size, etag: `e-${key}` });

describe('detectFormat', () => {
  it('knows the shard suffixes and nothing else', () => {
    expect(detectFormat('a/part-1.jsonl')).toBe('jsonl');
    expect(detectFormat('part-1.jsonl.gz')).toBe('jsonl.gz');
    expect(detectFormat('part-1.json.gz')).toBe('jsonl.gz');
    expect(detectFormat('part-1.jsonl.zst')).toBe('jsonl.zst');
    expect(detectFormat('part-1.JSONL.ZSTD')).toBe('jsonl.zst');
    expect(detectFormat('x.parquet')).toBe('parquet');
    for (const k of ['README.md', '_SUCCESS', 'part.json', 'part.jsonl.bz2', 'part.gz']) expect(detectFormat(k)).toBeUndefined();
  });
});

describe('planWorkItems', () => {
  it('sorts shards by key, numbers them, and skips unknown formats and empty files', () => {
    const items = planWorkItems(
      [obj('b.jsonl.gz', 50), obj('README.md', 10), obj('a.parquet', 70), obj('empty.jsonl', 0), obj('B.jsonl.zst', 5)],
      { maxItemBytes: 1000 },
    );
    expect(items.map((i) => [i.id, i.key, i.format, i.bytes, i.range])).toEqual([
      ['00000', 'B.jsonl.zst', 'jsonl.zst', 5, undefined],
      ['00001', 'a.parquet', 'parquet', 70, undefined],
      ['00002', 'b.jsonl.gz', 'jsonl.gz', 50, undefined],
    ]);
    expect(items[1]).toEqual({ id: '00001', uri: 's3://corpora/demo/a.parquet', key: 'a.parquet', format: 'parquet', size: 70, etag: 'e-a.parquet', bytes: 70 });
  });

  it('splits only uncompressed .jsonl shards larger than maxItemBytes into contiguous ranges covering the file', () => {
    const items = planWorkItems([obj('big.jsonl', 1001), obj('big.jsonl.gz', 5000), obj('small.jsonl', 100)], { maxItemBytes: 100 });
    const big = items.filter((i) => i.key === 'big.jsonl');
    expect(big.map((i) => i.id).slice(0, 3)).toEqual(['00000-r0000', '00000-r0001', '00000-r0002']);
    expect(big.length).toBe(11);
    let next = 0;
    for (const it of big) {
      expect(it.range!.start).toBe(next);
      expect(it.bytes).toBe(it.range!.end - it.range!.start);
      expect(it.bytes).toBeLessThanOrEqual(100);
      expect(it.size).toBe(1001);
      next = it.range!.end;
    }
    expect(next).toBe(1001);
    expect(items.find((i) => i.key === 'big.jsonl.gz')).toMatchObject({ id: '00001', bytes: 5000 });
    expect(items.find((i) => i.key === 'small.jsonl')).toMatchObject({ id: '00002', bytes: 100 });
    expect(items.find((i) => i.key === 'small.jsonl')!.range).toBeUndefined();
  });

  it('rejects a non-positive maxItemBytes', () => {
    expect(() => planWorkItems([obj('a.jsonl', 10)], { maxItemBytes: 0 })).toThrow(/maxItemBytes/);
  });
});
