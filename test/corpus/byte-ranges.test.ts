import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRecordError, LineSplitter } from '../../lib/corpus/index.ts';
import type { Doc } from '../../lib/corpus/types.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { allDocs, jsonlBytes, lineStarts, makeRecords, rng, shardItems, workspace } from './fixtures.ts';

let dir: string;
let store: ObjectStore;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, store, cleanup } = await workspace());
});
afterAll(() => cleanup());

/** Records of very mixed sizes: short ones, and some far longer than the smaller ranges below. */
function mixedRecords(): { id: string; text: string }[] {
  const recs = makeRecords(400, 3, 30);
  const r = rng(9);
  for (let i = 0; i < recs.length; i += 37) recs[i]!.text = 'long '.repeat(200 + Math.floor(r() * 400));
  return recs;
}

describe('byte-range work items', () => {
  const records = mixedRecords();
  const bytes = jsonlBytes(records);
  const starts = lineStarts(bytes);

  for (const maxItemBytes of [97, 1000, 4096, 33_333, bytes.length - 1]) {
    it(`together yield every line exactly once, in order, with exact offsets (ranges of ${maxItemBytes} bytes)`, async () => {
      const items = await shardItems(dir, `ranged-${maxItemBytes}.jsonl`, bytes, maxItemBytes);
      expect(items.length).toBeGreaterThan(1);
      const docs: Doc[] = [];
      for (const item of items) {
        const mine = await allDocs(store, item);
        for (const d of mine) {
          // The item owns exactly the lines whose first byte lies in its range.
          expect(d.offset).toBeGreaterThanOrEqual(item.range!.start);
          expect(d.offset).toBeLessThan(item.range!.end);
          expect(d.line).toBe(-1);
          expect(d.item).toBe(item.id);
        }
        expect(mine.map((d) => d.row)).toEqual(mine.map((_, i) => i));
        docs.push(...mine);
      }
      expect(docs.map((d) => d.id)).toEqual(records.map((r) => r.id));
      expect(docs.map((d) => d.text)).toEqual(records.map((r) => r.text));
      expect(docs.map((d) => d.offset)).toEqual(starts);
    });
  }

  it('ranges of one and two bytes own exactly the lines starting in them', async () => {
    const small = jsonlBytes([{ id: 'a', text: 'x' }, { id: 'b', text: '' }, { id: 'c', text: 'yz' }]);
    for (const size of [1, 2]) {
      const items = await shardItems(dir, `tiny-${size}.jsonl`, small, size);
      const owners: [string, string, number][] = [];
      for (const item of items) for (const d of await allDocs(store, item)) owners.push([item.id, d.id, d.offset]);
      expect(owners).toEqual(
        lineStarts(small).map((off, i) => [`00000-r${String(Math.floor(off / size)).padStart(4, '0')}`, 'abc'[i], off]),
      );
    }
  });

  it('a file without a final newline keeps its last line', async () => {
    const noNl = bytes.subarray(0, bytes.length - 1);
    const items = await shardItems(dir, 'no-newline.jsonl', noNl, 777);
    const docs: Doc[] = [];
    for (const item of items) docs.push(...(await allDocs(store, item)));
    expect(docs.map((d) => d.id)).toEqual(records.map((r) => r.id));
  });

  it('reports bad records of a range by byte offset', async () => {
    const good = Buffer.from('{"id":"a","text":"x"}\n');
    const file = Buffer.concat([good, good, Buffer.from('not json\n'), good]);
    const items = await shardItems(dir, 'part-0042.jsonl', file, 30);
    const badItem = items.find((i) => i.range!.start <= 44 && 44 < i.range!.end)!;
    const seen: unknown[] = [];
    await allDocs(store, badItem, { onBad: (b) => seen.push(b) });
    expect(seen).toEqual([{ file: 'part-0042.jsonl', line: -1, offset: 44, reason: 'invalid-json', message: 'part-0042.jsonl byte 44: not valid JSON' }]);
    await expect(allDocs(store, badItem, { onBadRecord: 'fail' })).rejects.toThrow(BadRecordError);
  });
});

describe('LineSplitter', () => {
  it('splits the same bytes into the same lines whatever the chunking', () => {
    const bytes = jsonlBytes(makeRecords(200, 5));
    const expected = lineStarts(bytes);
    const r = rng(1);
    for (let trial = 0; trial < 20; trial++) {
      const got: [number, number, string][] = [];
      const s = new LineSplitter((line, offset, n) => got.push([offset, n, line.toString()]));
      let pos = 0;
      while (pos < bytes.length) {
        const len = 1 + Math.floor(r() * (trial < 10 ? 7 : 3000));
        // Copies, then overwrite them after the push: the splitter must not keep references to pushed chunks.
        const chunk = Buffer.from(bytes.subarray(pos, pos + len));
        s.push(chunk);
        chunk.fill(0x21);
        pos += len;
      }
      s.end();
      expect(got.map((g) => g[0])).toEqual(expected);
      expect(got.map((g) => g[1])).toEqual(expected.map((_, i) => i + 1));
      expect(got.map((g) => g[2]).join('\n') + '\n').toBe(bytes.toString());
    }
  });
});
