import { describe, expect, it } from 'vitest';
import {
  decodeGroupHeader,
  gatherBandFiles,
  BandFileWriter,
  DedupFileError,
  PartitionRecords,
  recordRange,
  SignatureFileWriter,
  signatureFileDocs,
  SignatureTable,
} from '../../lib/dedup/index.ts';
import { decodeBandFile } from '../../lib/dedup/band-file.ts';
import { decodeSignatureFile, decodeSignatureRecords } from '../../lib/dedup/signature-file.ts';
import { estimateJaccard, partitionOf } from '../../lib/dedup/signature.ts';

describe('signature files', () => {
  it('stream a chunk at a time; the document count is the size\'s', () => {
    const w = new SignatureFileWriter(8);
    const parts: Buffer[] = [];
    for (let i = 0; i < 50_000; i++) {
      w.add(i, i % 100, i, i / 7, [i, i + 1], true, Uint32Array.from({ length: 8 }, (_, k) => i + k));
      const chunk = w.take();
      if (chunk) parts.push(chunk);
    }
    parts.push(w.finish());
    expect(parts.length).toBeGreaterThan(1);
    const file = Buffer.concat(parts);
    expect(signatureFileDocs(file.length, 8, 'mem://s')).toBe(50_000);
    const all = decodeSignatureFile(file, 'mem://s');
    expect(all[49_999]).toMatchObject({ row: 49_999, exact: [49_999, 50_000] });
    expect(() => signatureFileDocs(file.length - 1, 8, 'mem://s')).toThrow(/mem:\/\/s: .* whole 44-byte records/);
  });

  it('round-trip every field, and one document is one byte range', () => {
    const w = new SignatureFileWriter(4);
    w.add(3, 120, 99, 1.5, [1, 2], true, Uint32Array.from([0x10001, 2, 3, 0xffff]));
    w.add(5, 7, 1, null, [3, 4], false, Uint32Array.from([0, 0, 0, 0]));
    const buf = w.finish();
    const all = decodeSignatureFile(buf, 'mem://a');
    expect(all[0]).toMatchObject({ row: 3, tokens: 120, tie: 99, key: 1.5, exact: [1, 2], hasWords: true });
    expect([...all[0]!.signature]).toEqual([1, 2, 3, 0xffff]);
    expect(all[1]).toMatchObject({ row: 5, key: null, hasWords: false });
    const r = recordRange(4, 1);
    expect(decodeSignatureRecords(buf.subarray(r.start, r.end), 4, 'mem://a')[0]!.row).toBe(5);
  });

  it('refuses a file that is not one, or is cut short, naming it', () => {
    expect(() => decodeSignatureFile(Buffer.from('not a signature file at all'), 's3://b/scores/x.dedup')).toThrow(DedupFileError);
    const w = new SignatureFileWriter(2);
    w.add(0, 1, 1, 1, [0, 0], true, Uint32Array.from([1, 2]));
    const buf = w.finish();
    expect(() => decodeSignatureFile(buf.subarray(0, buf.length - 1), 's3://b/scores/x.dedup')).toThrow(/s3:\/\/b\/scores\/x\.dedup: .*record/);
  });
});

describe('signature tables', () => {
  it('hold records by ref key past their first size, once each, with the estimate of Jaccard estimateJaccard gives', () => {
    const w = new SignatureFileWriter(16);
    for (let i = 0; i < 3000; i++) w.add(i, i % 50, i * 7, i % 5 === 0 ? null : i / 3, [i, i >> 1], i % 9 !== 0, Uint32Array.from({ length: 16 }, (_, k) => (i * (k + 1)) % 23));
    const file = w.finish();
    const all = decodeSignatureFile(file, 'mem://t');
    const table = new SignatureTable(16, 10); // grows from 10
    for (let i = 2999; i >= 0; i -= 2) table.add(1e6 + i, file, recordRange(16, i).start, 'mem://t');
    table.add(1e6 + 2999, file, recordRange(16, 0).start, 'mem://t'); // already held: not added again
    expect(table.size).toBe(1500);
    expect(table.slot(1e6 + 2)).toBe(-1);
    for (const i of [1, 5, 9, 2999]) expect(table.record(table.slot(1e6 + i))).toEqual(all[i]);
    const [a, b] = [table.slot(1e6 + 7), table.slot(1e6 + 21)];
    expect(table.jaccard(a, b)).toBe(estimateJaccard(all[7]!.signature, all[21]!.signature));
    expect(() => table.add(5, file.subarray(0, file.length - 1), recordRange(16, 2999).start, 's3://b/x.dedup')).toThrow(/s3:\/\/b\/x\.dedup: .*cut short/);
  });
});

describe('band files', () => {
  it('stream in chunks, and a gather lays every record out in the partition of its key, read back from its byte range alone', () => {
    const P = 5;
    const w = new BandFileWriter(P);
    const keys = [0x00000010, 0x40000000, 0x7fffffff, 0xc0000000, 0xffffffff];
    keys.forEach((k, pos) => w.add(pos, Uint32Array.from([k, (k ^ 0x5555) >>> 0]), [k, pos], { row: pos, tokens: 3, tie: k, key: pos / 2 }));
    w.add(9, null, [1, 1], { row: 9, tokens: 0, tie: 0, key: null });
    const buf = w.finish();
    expect(w.documents).toBe(6);
    const chunks = decodeBandFile(buf, P, 'mem://b');
    expect(chunks.reduce((a, c) => a + c.bands, 0)).toBe(10);
    expect(chunks.reduce((a, c) => a + c.exacts, 0)).toBe(6);
    const group = gatherBandFiles([{ item: 2, file: buf, uri: 'mem://b' }], P, 2);
    const header = decodeGroupHeader(group, P, 'mem://g');
    expect(header).toMatchObject({ firstItem: 2, items: 1 });
    let bands = 0;
    let exacts = 0;
    for (let p = 0; p < P; p++) {
      const s = header.sections[p]!;
      const part = new PartitionRecords();
      part.addGroupSection(group.subarray(s.start, s.end), s.bandRecords, 'mem://g');
      for (let i = 0; i < part.bands; i++) {
        expect(partitionOf(part.bandKey[i]!, P)).toBe(p);
        expect(part.bandItem[i]).toBe(2);
      }
      for (let i = 0; i < part.exacts; i++) {
        expect(partitionOf(part.exactHi[i]!, P)).toBe(p);
        expect(part.exactItem[i]).toBe(2);
      }
      bands += part.bands;
      exacts += part.exacts;
    }
    expect(bands).toBe(10);
    expect(exacts).toBe(6);
  });

  it('refuses a band file written for another partition count', () => {
    const buf = new BandFileWriter(4).finish();
    expect(() => decodeBandFile(buf, 8, 'mem://c')).toThrow(/mem:\/\/c: written for 4 partitions, the plan has 8/);
  });

  it('hand out full chunks as they fill, and the chunks together gather to the same group as one whole file', () => {
    const P = 7;
    const streamed = new BandFileWriter(P);
    const whole = new BandFileWriter(P);
    const parts: Buffer[] = [];
    let h = 12345;
    for (let pos = 0; pos < 200_000; pos++) {
      h = (Math.imul(h, 1103515245) + 12345) >>> 0;
      const keys = Uint32Array.from([h, h ^ 0x9e3779b9]);
      const doc = { row: pos, tokens: pos % 7, tie: h >>> 3, key: pos % 11 === 0 ? null : pos / 7 };
      streamed.add(pos, keys, [h, pos], doc);
      whole.add(pos, keys, [h, pos], doc);
      const chunk = streamed.take();
      if (chunk) parts.push(chunk);
    }
    parts.push(streamed.finish());
    expect(parts.length).toBeGreaterThan(2);
    const file = Buffer.concat(parts);
    expect(decodeBandFile(file, P, 'mem://s').length).toBe(parts.length);
    const a = gatherBandFiles([{ item: 0, file, uri: 'mem://s' }], P, 0);
    const b = gatherBandFiles([{ item: 0, file: whole.finish(), uri: 'mem://w' }], P, 0);
    expect(a.equals(b)).toBe(true);
  });
});
