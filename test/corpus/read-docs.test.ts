import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRecordError, BadRecordLog, CorruptShardError, readDocs } from '../../lib/corpus/index.ts';
import type { BadRecord } from '../../lib/corpus/types.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { allDocs, gz, jsonlBytes, lineStarts, makeRecords, parquetBytes, shardItems, workspace, zstdFile } from './fixtures.ts';

let dir: string;
let store: ObjectStore;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, store, cleanup } = await workspace());
});
afterAll(() => cleanup());

const records = makeRecords(1500, 7);
const plain = jsonlBytes(records);
const starts = lineStarts(plain);

function expectJsonlProvenance(docs: Awaited<ReturnType<typeof allDocs>>, itemId: string): void {
  expect(docs).toHaveLength(records.length);
  docs.forEach((d, i) => {
    expect(d.id).toBe(records[i]!.id);
    expect(d.text).toBe(records[i]!.text);
    expect(d.item).toBe(itemId);
    expect(d.row).toBe(i);
    expect(d.line).toBe(i + 1);
    expect(d.offset).toBe(starts[i]);
    expect(d.bytes).toBe(Buffer.byteLength(records[i]!.text));
    // The offset points at this record's line in the uncompressed bytes.
    const end = plain.indexOf(0x0a, d.offset);
    expect(JSON.parse(plain.subarray(d.offset, end).toString('utf8'))).toEqual(records[i]);
  });
}

describe('readDocs', () => {
  it('reads a .jsonl shard with id, row, line and byte offset of every record', async () => {
    const [item] = await shardItems(dir, 'part-0000.jsonl', plain);
    expect(item!.format).toBe('jsonl');
    expectJsonlProvenance(await allDocs(store, item!), item!.id);
  });

  it('reads a .jsonl.gz shard with offsets into the uncompressed bytes', async () => {
    const [item] = await shardItems(dir, 'part-0001.jsonl.gz', gz(plain));
    expect(item!.format).toBe('jsonl.gz');
    expectJsonlProvenance(await allDocs(store, item!), item!.id);
  });

  it('reads a .jsonl.zst shard made by the zstd command', async () => {
    const src = join(dir, 'zsrc.jsonl');
    await writeFile(src, plain);
    zstdFile(src, join(dir, 'part-0002.jsonl.zst'));
    const [item] = await shardItems(dir, 'part-0002.jsonl.zst', await readFile(join(dir, 'part-0002.jsonl.zst')));
    expect(item!.format).toBe('jsonl.zst');
    expectJsonlProvenance(await allDocs(store, item!), item!.id);
  });

  it('reads a parquet shard over several row groups with record index as line and no offset', async () => {
    const [item] = await shardItems(dir, 'part-0003.parquet', parquetBytes(records, 400));
    expect(item!.format).toBe('parquet');
    const docs = await allDocs(store, item!);
    expect(docs).toHaveLength(records.length);
    docs.forEach((d, i) => {
      expect(d).toEqual({
        id: records[i]!.id,
        text: records[i]!.text,
        item: item!.id,
        row: i,
        line: i + 1,
        offset: -1,
        bytes: Buffer.byteLength(records[i]!.text),
      });
    });
  });

  it('cuts batches at batchDocs or batchBytes, and falls back to <key>:<line> ids without an id field', async () => {
    const [item] = await shardItems(dir, 'part-0004.jsonl', plain);
    const sizes: number[] = [];
    for await (const b of readDocs(store, item!, { textField: 'text', onBadRecord: 'skip', batchDocs: 100 })) {
      sizes.push(b.length);
      expect(b[0]!.id).toBe(`part-0004.jsonl:${b[0]!.line}`);
    }
    expect(sizes.slice(0, -1).every((n) => n === 100)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(records.length);
    for await (const b of readDocs(store, item!, { textField: 'text', onBadRecord: 'skip', batchBytes: 500 })) {
      const bytes = b.reduce((a, d) => a + d.bytes, 0);
      expect(bytes - b[b.length - 1]!.bytes).toBeLessThan(500);
    }
  });

  it('stops cleanly when the consumer stops early', async () => {
    const [item] = await shardItems(dir, 'early.jsonl.gz', gz(plain));
    let seen = 0;
    for await (const batch of readDocs(store, item!, { textField: 'text', onBadRecord: 'fail', batchDocs: 10 })) {
      seen += batch.length;
      if (seen >= 30) break;
    }
    expect(seen).toBe(30);
    // The same item can be read again in full afterwards.
    expect(await allDocs(store, item!)).toHaveLength(records.length);
  });

  it('ignores a UTF-8 byte order mark at the start of a shard', async () => {
    const [item] = await shardItems(dir, 'bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]));
    const docs = await allDocs(store, item!, { onBadRecord: 'fail' });
    expect(docs).toHaveLength(records.length);
    expect(docs[0]!.offset).toBe(0);
    expect(docs[1]!.offset).toBe(starts[1]! + 3);
  });

  it('skips blank lines silently and reads a last line without a newline; numeric ids become strings', async () => {
    const bytes = Buffer.from('{"id":7,"text":"a"}\n\n  \r\n{"id":"x","text":"b"}\r\n{"text":"c"}', 'utf8');
    const [item] = await shardItems(dir, 'blank.jsonl', bytes);
    const bad = new BadRecordLog();
    const docs = await allDocs(store, item!, { onBad: (b) => bad.add(b) });
    expect(docs.map((d) => [d.id, d.text, d.line, d.offset])).toEqual([
      ['7', 'a', 1, 0],
      ['x', 'b', 4, bytes.indexOf('{"id":"x"')],
      ['blank.jsonl:5', 'c', 5, bytes.indexOf('{"text":"c"')],
    ]);
    expect(bad.count).toBe(0);
  });

  it('gives the UTF-8 length of every text: ASCII lines, \\u escapes (ASCII lines whose text is not), raw UTF-8', async () => {
    const texts = ['plain ascii', 'caf\\u00e9', 'emoji \\ud83d\\ude00', 'C:\\\\users', 'tab\\tand\\\\u', 'caf\u00e9 raw', '\u4e2d\u6587', ''];
    const lines = texts.map((t, i) => `{"id":"d${i}","text":"${t}"}`);
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const [item] = await shardItems(dir, 'escapes.jsonl', bytes);
    const docs = await allDocs(store, item!, { onBadRecord: 'fail' });
    expect(docs.map((d) => d.text)).toEqual(lines.map((l) => (JSON.parse(l) as { text: string }).text));
    for (const d of docs) expect(d.bytes).toBe(Buffer.byteLength(d.text, 'utf8'));
    expect(docs.map((d) => d.bytes)).toEqual([11, 5, 10, 8, 9, 9, 6, 0]);
  });
});

describe('bad records', () => {
  const good = (i: number) => JSON.stringify({ id: `g${i}`, text: `good ${i}` });
  const lines = [
    Buffer.from(good(0)),
    Buffer.from('{"id":"broken","text":'),
    Buffer.from(JSON.stringify({ id: 'nt', body: 'no text' })),
    Buffer.from(good(1)),
    Buffer.from(JSON.stringify({ id: 'num', text: 42 })),
    Buffer.concat([Buffer.from('{"id":"utf","text":"ab'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    Buffer.from('[1,2]'),
    Buffer.from(good(2)),
  ];
  const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));

  async function encode(name: string): Promise<Buffer> {
    if (name.endsWith('.gz')) return gz(bytes);
    if (!name.endsWith('.zst')) return bytes;
    await writeFile(join(dir, `${name}.src`), bytes);
    zstdFile(join(dir, `${name}.src`), join(dir, `${name}.tmp`));
    return readFile(join(dir, `${name}.tmp`));
  }

  for (const name of ['bad.jsonl', 'bad.jsonl.gz', 'bad.jsonl.zst']) {
    it(`counts bad records of ${name} with file and line and skips them`, async () => {
      const [item] = await shardItems(dir, name, await encode(name));
      const seen: BadRecord[] = [];
      const docs = await allDocs(store, item!, { onBad: (b) => seen.push(b) });
      expect(docs.map((d) => [d.id, d.row, d.line])).toEqual([
        ['g0', 0, 1],
        ['g1', 1, 4],
        ['g2', 2, 8],
      ]);
      expect(seen.map((b) => [b.file, b.line, b.reason])).toEqual([
        [name, 2, 'invalid-json'],
        [name, 3, 'missing-text'],
        [name, 5, 'non-string-text'],
        [name, 6, 'invalid-utf8'],
        [name, 7, 'missing-text'],
      ]);
      expect(seen[0]!.message).toBe(`${name} line 2: not valid JSON`);
      expect(seen[0]!.offset).toBe(lines[0]!.length + 1);
      expect(seen[2]!.message).toMatch(/"text" is a number/);
    });
  }

  for (const name of ['bad-fail.jsonl.gz', 'bad-fail.jsonl.zst']) {
    it(`throws BadRecordError naming file and line with onBadRecord 'fail' (${name})`, async () => {
      const [item] = await shardItems(dir, name, await encode(name));
      const err = await allDocs(store, item!, { onBadRecord: 'fail' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRecordError);
      expect((err as Error).message).toBe(`${name} line 2: not valid JSON`);
      expect((err as BadRecordError).record.reason).toBe('invalid-json');
    });
  }

  it('reports parquet rows without text by record index', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const buf = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: ['a', 'b', 'c'], type: 'STRING' },
          { name: 'text', data: ['x', null, 'z'], type: 'STRING', nullable: true },
        ],
      }),
    );
    const [item] = await shardItems(dir, 'nulls.parquet', buf);
    const seen: BadRecord[] = [];
    const docs = await allDocs(store, item!, { onBad: (b) => seen.push(b) });
    expect(docs.map((d) => [d.id, d.row, d.line])).toEqual([
      ['a', 0, 1],
      ['c', 1, 3],
    ]);
    expect(seen).toEqual([
      { file: 'nulls.parquet', line: 2, offset: -1, reason: 'missing-text', message: 'nulls.parquet record 2: no "text" field' },
    ]);
  });
});

describe('corrupt shards', () => {
  it('throws CorruptShardError naming a truncated .jsonl.gz shard', async () => {
    const full = gz(plain);
    const [item] = await shardItems(dir, 'part-0009.jsonl.gz', full.subarray(0, Math.floor(full.length / 2)));
    const err = await allDocs(store, item!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptShardError);
    expect((err as Error).message).toMatch(/^part-0009\.jsonl\.gz: corrupt or truncated gzip stream \(.+\) after \d+ lines$/);
  });

  it('throws CorruptShardError for a file that is not gzip at all', async () => {
    const [item] = await shardItems(dir, 'notgz.jsonl.gz', plain);
    await expect(allDocs(store, item!)).rejects.toThrow(/^notgz\.jsonl\.gz: corrupt or truncated gzip stream/);
  });

  it('throws CorruptShardError naming a truncated .jsonl.zst shard', async () => {
    const src = join(dir, 'trunc-src.jsonl');
    await writeFile(src, plain);
    zstdFile(src, join(dir, 'full.zst'));
    const full = await readFile(join(dir, 'full.zst'));
    const [item] = await shardItems(dir, 'part-0010.jsonl.zst', full.subarray(0, Math.floor(full.length / 2)));
    const err = await allDocs(store, item!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptShardError);
    expect((err as Error).message).toMatch(/^part-0010\.jsonl\.zst: corrupt or truncated zstd stream \(.+\) after \d+ lines$/);
  });

  it('throws CorruptShardError naming a broken parquet file', async () => {
    const full = parquetBytes(records, 500);
    const [item] = await shardItems(dir, 'part-0011.parquet', full.subarray(0, full.length - 40));
    const err = await allDocs(store, item!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptShardError);
    expect((err as Error).message).toMatch(/^part-0011\.parquet: /);
  });
});
