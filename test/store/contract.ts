/**
 * The behaviour every ObjectStore backend must share, run by local.test.ts and s3.test.ts against a real
 * filesystem and a real S3-protocol server.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StoreJsonError, StoreNotFoundError, joinUri } from '../../lib/store/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';

export interface ContractTarget {
  store: ObjectStore;
  /** A base URI (folder) under which each test gets its own prefix. */
  base: string;
}

/** Deterministic pseudo-random bytes (xorshift32), streamed in chunks. */
export function seededStream(totalBytes: number, seed: number, chunkBytes = 64 * 1024): Readable {
  let state = seed >>> 0 || 1;
  let left = totalBytes;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkBytes, left);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk[i] = state & 0xff;
      }
      left -= n;
      this.push(chunk);
    },
  });
}

/** A stream that yields some bytes and then fails. */
export function failingStream(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.from('partial content that must never become visible\n'));
      } else {
        this.destroy(new Error('source broke mid-stream'));
      }
    },
  });
}

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Registers the shared contract tests; `target()` is called inside each test (after beforeAll ran). */
export function describeStoreContract(label: string, target: () => ContractTarget): void {
  let n = 0;
  const fresh = () => {
    const { store, base } = target();
    n += 1;
    return { store, prefix: joinUri(base, `case-${n}-${Math.floor(Math.random() * 1e9).toString(36)}`) };
  };

  describe(`ObjectStore contract: ${label}`, () => {
    it('lists every object under a prefix recursively, sorted by key in byte order, with sizes and etags', async () => {
      const { store, prefix } = fresh();
      const files: Record<string, string> = {
        'b.txt': 'bb',
        'a/z.txt': 'zzz',
        'a/b c.txt': 'space in name',
        'A.txt': '',
        'a/deep/er/x.jsonl': '{"x":1}\n',
        'é.txt': 'accent',
      };
      for (const [key, text] of Object.entries(files)) await store.write(joinUri(prefix, key), text);
      const listed = await store.list(prefix);
      expect(listed.map((o) => o.key)).toEqual(['A.txt', 'a/b c.txt', 'a/deep/er/x.jsonl', 'a/z.txt', 'b.txt', 'é.txt']);
      for (const o of listed) {
        expect(o.size).toBe(Buffer.byteLength(files[o.key]!));
        expect(o.uri).toBe(joinUri(prefix, o.key));
        expect(o.etag).toMatch(/^[^"]+$/);
        expect((await store.read(o.uri)).toString()).toBe(files[o.key]);
      }
      // The same listing with a trailing slash on the prefix.
      expect((await store.list(`${prefix}/`)).map((o) => o.key)).toEqual(listed.map((o) => o.key));
    });

    it('treats the prefix as a folder: a sibling with the same leading characters is not listed', async () => {
      const { store, prefix } = fresh();
      await store.write(joinUri(prefix, 'corpus/part-0.jsonl'), 'a\n');
      await store.write(joinUri(prefix, 'corpus-extra/part-0.jsonl'), 'b\n');
      const listed = await store.list(joinUri(prefix, 'corpus'));
      expect(listed.map((o) => o.key)).toEqual(['part-0.jsonl']);
    });

    it('lists a missing prefix as empty', async () => {
      const { store, prefix } = fresh();
      expect(await store.list(joinUri(prefix, 'nothing/here'))).toEqual([]);
    });

    it('lists a single object given as the prefix as itself', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'one.jsonl');
      await store.write(uri, '{"a":1}\n');
      const listed = await store.list(uri);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ uri, key: 'one.jsonl', size: 8 });
    });

    it('heads and checks existence; a changed object gets a new etag', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'obj.bin');
      expect(await store.head(uri)).toBeUndefined();
      expect(await store.exists(uri)).toBe(false);
      await store.write(uri, Buffer.from([1, 2, 3]));
      const first = await store.head(uri);
      expect(first).toMatchObject({ uri, size: 3 });
      expect(await store.exists(uri)).toBe(true);
      await store.write(uri, new Uint8Array([1, 2, 3, 4, 5]));
      const second = await store.head(uri);
      expect(second!.size).toBe(5);
      expect(second!.etag).not.toBe(first!.etag);
      const listed = await store.list(prefix);
      expect(listed[0]!.etag).toBe(second!.etag);
    });

    it('reads byte ranges as half-open [start, end)', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'bytes.bin');
      const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
      await store.write(uri, data);
      expect([...(await store.read(uri, { start: 10, end: 20 }))]).toEqual([...data.subarray(10, 20)]);
      expect([...(await store.read(uri, { start: 90 }))]).toEqual([...data.subarray(90)]);
      expect([...(await store.read(uri, { start: 0, end: 1 }))]).toEqual([0]);
      expect((await store.read(uri, { start: 95, end: 200 })).length).toBe(5);
      expect((await store.read(uri, { start: 5, end: 5 })).length).toBe(0);
      expect((await store.read(uri, { start: 100 })).length).toBe(0);
      expect(await sha256Of(await store.readStream(uri, { start: 0 }))).toBe(createHash('sha256').update(data).digest('hex'));
      await expect(store.read(uri, { start: 5, end: 4 })).rejects.toThrow(/bad range end 4/);
    });

    it('throws StoreNotFoundError naming the URI for a missing object', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'missing/file.json');
      for (const attempt of [() => store.read(uri), () => store.readStream(uri), () => store.readJson(uri), () => store.read(uri, { start: 1, end: 1 })]) {
        const err = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(StoreNotFoundError);
        expect((err as Error).message).toContain(uri);
      }
    });

    it('writes JSON with 2-space indent and a trailing newline, and reads it back', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'out/plan.json');
      await store.writeJson(uri, { b: 1, a: [1, 'x'], nested: { z: null } });
      expect(await store.readText(uri)).toBe('{\n  "b": 1,\n  "a": [\n    1,\n    "x"\n  ],\n  "nested": {\n    "z": null\n  }\n}\n');
      expect(await store.readJson(uri)).toEqual({ b: 1, a: [1, 'x'], nested: { z: null } });
      const bad = joinUri(prefix, 'out/bad.json');
      await store.write(bad, '{"truncated": ');
      await expect(store.readJson(bad)).rejects.toSatisfy((e: unknown) => e instanceof StoreJsonError && e.message.startsWith(`${bad}: not valid JSON`));
    });

    it('writes empty objects and deletes objects, ignoring missing ones', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, '_SUCCESS');
      await store.write(uri, '');
      expect(await store.head(uri)).toMatchObject({ size: 0 });
      expect((await store.read(uri)).length).toBe(0);
      await store.delete(uri);
      expect(await store.exists(uri)).toBe(false);
      await store.delete(uri);
      await store.delete(joinUri(prefix, 'never/was'));
      expect(await store.list(prefix)).toEqual([]);
    });

    it('streams a write of more than 10 MB and reads back identical bytes', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'big/shard.bin');
      const size = 10 * 1024 * 1024 + 12_345;
      await store.write(uri, seededStream(size, 7));
      expect((await store.head(uri))!.size).toBe(size);
      expect(await sha256Of(await store.readStream(uri))).toBe(await sha256Of(seededStream(size, 7)));
      const start = 5 * 1024 * 1024 - 10;
      const tail = await store.read(uri, { start, end: start + 1000 });
      const whole = Buffer.concat(await seededStream(size, 7).toArray());
      expect(tail.equals(whole.subarray(start, start + 1000))).toBe(true);
    });

    it('keeps the old content when a streamed write fails', async () => {
      const { store, prefix } = fresh();
      const uri = joinUri(prefix, 'keep.txt');
      await store.write(uri, 'old content\n');
      await expect(store.write(uri, failingStream())).rejects.toThrow(/source broke mid-stream/);
      expect(await store.readText(uri)).toBe('old content\n');
      expect((await store.list(prefix)).map((o) => o.key)).toEqual(['keep.txt']);
    });
  });
}
