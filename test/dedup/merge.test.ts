/**
 * The dedup shuffle's merge level (lib/dedup/group-file.ts mergeGroupFiles): consecutive group files streamed into one
 * file of the same format, equal to gathering all their items at once (but for the digest field), whatever the
 * streams' chunk boundaries; an input cut short or running long is named by its URI.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BandFileWriter, decodeGroupHeader, gatherBandFiles, groupHeaderBytes, mergeGroupFiles, mergedGroupHeader } from '../../lib/dedup/index.ts';
import { DedupFileError } from '../../lib/dedup/errors.ts';
import { dedupLayout, mergeGroupsFor, MIN_MERGE_GROUPS, MIN_MERGE_PARTITIONS } from '../../lib/dedup/layout.ts';

/** A deterministic pseudo-random word generator. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s;
  };
}

/** Band files of `items` items (MinHash: `bands` keys per document; some documents without keys). */
function bandFiles(items: number, P: number, bands: number, seed: number): Buffer[] {
  const next = rng(seed);
  return Array.from({ length: items }, (_, item) => {
    const w = new BandFileWriter(P);
    const docs = item === 2 ? 0 : 1 + (next() % 40);
    for (let pos = 0; pos < docs; pos++) {
      const keys = next() % 5 === 0 ? null : Uint32Array.from({ length: bands }, () => next());
      w.add(pos, keys, [next(), next()], { row: pos, tokens: 1 + (next() % 100), tie: next(), key: next() % 7 === 0 ? null : (next() % 1000) / 1000 });
    }
    return w.finish();
  });
}

function groupsOf(files: Buffer[], P: number, groupItems: number): Buffer[] {
  const out: Buffer[] = [];
  for (let first = 0; first < files.length; first += groupItems) {
    out.push(gatherBandFiles(files.slice(first, first + groupItems).map((file, i) => ({ item: first + i, file, uri: `item ${first + i}` })), P, first));
  }
  return out;
}

/** A group file's body as a stream cut into chunks of the given sizes (cycled). */
function bodyStream(file: Buffer, P: number, chunkSizes: number[]): Readable {
  const h = decodeGroupHeader(file, P, 'x');
  const body = file.subarray(groupHeaderBytes(P, h.items));
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < body.length; i++) {
    const n = chunkSizes[i % chunkSizes.length]!;
    chunks.push(Buffer.from(body.subarray(at, at + n)));
    at += n;
  }
  return Readable.from(chunks);
}

async function merge(groups: Buffer[], P: number, chunkSizes: number[], body = (g: Buffer, j: number) => bodyStream(g, P, chunkSizes.map((c) => c + j))) {
  const out: Buffer[] = [];
  const inputs = groups.map((g, j) => ({ uri: `s3://b/dedup/groups/g-${j}.bin`, header: decodeGroupHeader(g, P, `g-${j}`), body: body(g, j) }));
  const bytes = await mergeGroupFiles(inputs, P, { write: async (c) => void out.push(Buffer.from(c)) });
  const file = Buffer.concat(out);
  expect(file.length).toBe(bytes);
  return file;
}

const withoutDigest = (b: Buffer) => Buffer.concat([b.subarray(0, 24), b.subarray(56)]);

describe('merging group files', () => {
  for (const [P, bands, items, groupItems] of [
    [5, 4, 7, 2],
    [3, 0, 6, 3],
    [1, 2, 4, 1],
    [16, 14, 9, 4],
  ] as const) {
    it(`gives the group file of all their items at once (P ${P}, ${bands} bands, ${items} items in groups of ${groupItems}), but for the digest, at any chunk boundaries`, async () => {
      const files = bandFiles(items, P, bands, P * 1000 + items);
      const groups = groupsOf(files, P, groupItems);
      const whole = gatherBandFiles(files.map((file, item) => ({ item, file, uri: `item ${item}` })), P, 0);
      for (const sizes of [[1], [7, 3, 13], [4096], [1 << 20]]) {
        const merged = await merge(groups, P, sizes);
        expect(withoutDigest(merged).equals(withoutDigest(whole))).toBe(true);
        // The digest: sha256 of the inputs' digests, in order.
        const digest = createHash('sha256');
        for (const g of groups) digest.update(g.subarray(24, 56));
        expect(decodeGroupHeader(merged, P, 'm').digest).toBe(digest.digest('hex'));
        expect(mergedGroupHeader(groups.map((g, j) => ({ uri: `g-${j}`, header: decodeGroupHeader(g, P, 'g') })), P).equals(merged.subarray(0, groupHeaderBytes(P, items)))).toBe(true);
      }
      // A merge of merged files is the same file again (the format is one).
      if (groups.length >= 3) {
        const a = await merge(groups.slice(0, 2), P, [5]);
        const b = await merge(groups.slice(2), P, [9]);
        expect(withoutDigest(await merge([a, b], P, [11])).equals(withoutDigest(whole))).toBe(true);
      }
    });
  }

  it('names the input whose body is cut short, or runs past its header, and refuses inputs that are not consecutive', async () => {
    const P = 4;
    const groups = groupsOf(bandFiles(6, P, 3, 7), P, 2);
    const cut = (j: number, g: Buffer) => {
      const s = bodyStream(g, P, [1 << 20]);
      if (j !== 1) return s;
      return Readable.from((async function* () {
        for await (const c of s) yield (c as Buffer).subarray(0, (c as Buffer).length - 1);
      })());
    };
    await expect(merge(groups, P, [64], (g, j) => cut(j, g))).rejects.toThrow(/s3:\/\/b\/dedup\/groups\/g-1\.bin: .*cut short/);
    await expect(merge(groups, P, [64], (g, j) => cut(j, g))).rejects.toBeInstanceOf(DedupFileError);
    const longer = (j: number, g: Buffer) => {
      const h = decodeGroupHeader(g, P, 'x');
      return j === 2 ? Readable.from([Buffer.concat([g.subarray(groupHeaderBytes(P, h.items)), Buffer.from([1])])]) : bodyStream(g, P, [8]);
    };
    await expect(merge(groups, P, [8], (g, j) => longer(j, g))).rejects.toThrow(/g-2\.bin: its body goes on past/);
    await expect(merge([groups[0]!, groups[2]!], P, [8])).rejects.toThrow(/g-1\.bin: starts at item 4, not 2/);
  });
});

describe('how many group files a merged group holds', () => {
  it('merges nothing when the groups or partitions are few or the groups large, else 16 groups of 16 GiB per record per document at most', () => {
    const P = MIN_MERGE_PARTITIONS;
    expect(mergeGroupsFor(MIN_MERGE_GROUPS, P, 2 ** 30)).toBe(1);
    expect(mergeGroupsFor(5821, P - 1, 16 * 2 ** 30)).toBe(1);
    expect(mergeGroupsFor(5821, P, 16 * 2 ** 30)).toBe(16);
    expect(mergeGroupsFor(5821, P, 17 * 2 ** 30)).toBe(15);
    expect(mergeGroupsFor(1000, P, 2 ** 20)).toBe(32); // the fan-in cap
    expect(mergeGroupsFor(1000, P, 200 * 2 ** 30)).toBe(1); // a group over the merged size: no merge
    expect(mergeGroupsFor(17, P, 2 ** 30)).toBe(17);
    // The plan's layout: 10 TB of exact deduplication merges nothing (583 partitions), 100 TB merges 16 groups at a time.
    const items = (bytes: number) => Math.ceil(bytes / (268 * 2 ** 20));
    expect(dedupLayout({ kind: 'exact' }, 10e12, items(10e12))).toMatchObject({ partitions: 583, mergeGroups: 1 });
    const big = dedupLayout({ kind: 'exact' }, 100e12, items(100e12));
    expect(big.mergeGroups).toBe(16);
    expect(big.merges).toBe(Math.ceil(big.groups / 16));
    expect(dedupLayout({ kind: 'minhash', bands: 14 }, 10e12, items(10e12)).mergeGroups).toBeGreaterThan(1);
  });
});
