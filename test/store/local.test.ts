import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, StoreError } from '../../lib/store/index.ts';
import { describeStoreContract, failingStream, seededStream } from './contract.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proxysel-store-local-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeStoreContract('absolute local paths', () => ({ store: createStore(), base: join(root, 'abs') }));
describeStoreContract('file:// URLs', () => ({ store: createStore(), base: pathToFileURL(join(root, 'url')).href }));

describe('local store', () => {
  it('writes atomically: no temporary file is left beside the object', async () => {
    const store = createStore();
    const dir = join(root, 'atomic');
    await store.write(join(dir, 'a.txt'), 'one');
    await store.write(join(dir, 'a.txt'), seededStream(300_000, 3));
    await store.writeJson(join(dir, 'b.json'), { ok: true });
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.json']);
  });

  it('removes the temporary file of a failed streamed write and keeps the old file', async () => {
    const store = createStore();
    const dir = join(root, 'failed');
    await store.write(join(dir, 'a.txt'), 'old');
    const err = await store.write(join(dir, 'a.txt'), failingStream()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(join(dir, 'a.txt'));
    expect(await readdir(dir)).toEqual(['a.txt']);
    expect(await store.readText(join(dir, 'a.txt'))).toBe('old');
  });

  it('skips temporary files of in-progress writes when listing', async () => {
    const store = createStore();
    const dir = join(root, 'in-progress');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.part-1.jsonl.4242-a1b2c3d4e5f6.tmp'), 'half');
    await writeFile(join(dir, 'part-0.jsonl'), 'done\n');
    await writeFile(join(dir, '.hidden'), 'a dotfile is an object');
    expect((await store.list(dir)).map((o) => o.key)).toEqual(['.hidden', 'part-0.jsonl']);
  });

  it('gives a local etag of mtime and size in hex', async () => {
    const store = createStore();
    const uri = join(root, 'etag', 'x.bin');
    await store.write(uri, Buffer.alloc(300));
    expect((await store.head(uri))!.etag).toMatch(/^[0-9a-f]+-12c$/);
  });

  it('keeps relative paths relative in listed URIs', async () => {
    const store = createStore();
    const dir = relative(process.cwd(), join(root, 'relative'));
    await store.write(`${dir}/sub/k.txt`, 'k');
    const listed = await store.list(dir);
    expect(listed.map((o) => o.uri)).toEqual([`${dir}/sub/k.txt`]);
    expect(await store.readText(listed[0]!.uri)).toBe('k');
  });

  it('percent-encodes keys in file:// URIs listed from a file:// prefix', async () => {
    const store = createStore();
    const base = pathToFileURL(join(root, 'encoded')).href;
    await store.write(join(root, 'encoded', 'a b#1%.txt'), 'x');
    const [one] = await store.list(base);
    expect(one!.key).toBe('a b#1%.txt');
    expect(one!.uri).toBe(`${base}/a%20b%231%25.txt`);
    expect(await store.readText(one!.uri)).toBe('x');
  });

  it('refuses to read a folder as an object', async () => {
    const store = createStore();
    await mkdir(join(root, 'folder'), { recursive: true });
    await expect(store.read(join(root, 'folder'))).rejects.toThrow(/folder: not a file/);
    expect(await store.head(join(root, 'folder'))).toBeUndefined();
  });
});
