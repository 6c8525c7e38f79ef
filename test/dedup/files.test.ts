import { describe, expect, it } from 'vitest';
import {
  decodeGroupHeader,
  gatherBandFiles,
  BandFileWriter,
  decodeBandHeader,
  decodeSignatureFile,
  DedupFileError,
  partitionOf,
  PartitionRecords,
  recordRange,
  SignatureFileWriter,
  decodeSignatureRecords,
} from '../../lib/dedup/index.ts';

describe('signature files', () => {
  it('round-trip every field, and one document is one byte range', () => {
    const w = new SignatureFileWriter(4, 1);
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

describe('band files', () => {
  it('lay every record out in the partition of its key, and a partition reads back from its byte range alone', () => {
    const P = 5;
    const w = new BandFileWriter(P);
    const keys = [0x00000010, 0x40000000, 0x7fffffff, 0xc0000000, 0xffffffff];
    keys.forEach((k, pos) => w.add(pos, Uint32Array.from([k, (k ^ 0x5555) >>> 0]), [k, pos]));
    w.add(9, null, [1, 1]);
    const buf = w.finish();
    const { docs, sections } = decodeBandHeader(buf, P, 'mem://b');
    expect(docs).toBe(6);
    let bands = 0;
    let exacts = 0;
    const group = gatherBandFiles([{ item: 2, file: buf, uri: 'mem://b' }], P, 2);
    const header = decodeGroupHeader(group, P, 'mem://g');
    expect(header).toMatchObject({ firstItem: 2, items: 1 });
    for (let p = 0; p < P; p++) {
      // The band file's own section and the group file's hold the same records.
      const own = sections[p]!;
      const s = header.sections[p]!;
      expect(s.bandRecords).toBe(own.bandRecords);
      expect((s.end - s.start - 12 * s.bandRecords) / 16).toBe((own.end - own.start - 8 * own.bandRecords) / 12);
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
    expect(() => decodeBandHeader(buf, 8, 'mem://c')).toThrow(/mem:\/\/c: written for 4 partitions, the plan has 8/);
  });
});
