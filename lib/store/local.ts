import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, type Dirent, type Stats } from 'node:fs';
import { access, link, mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkRange, sortByKey, type StoreBackend } from './backend.ts';
import { StoreError, StoreNotFoundError } from './errors.ts';
import { writeFaultPoint, writePausePoint } from './fault-injection.ts';
import type { Body, ByteRange, ObjectInfo } from './types.ts';
import { joinUri, parseUri } from './uri.ts';
import { isProcessAlive } from '../process-alive.ts';

/**
 * Bytes per read of a file stream (Node's default is 64 KiB). Shards are read front to back and mostly gunzipped:
 * zlib inflates each chunk it is given as one task on the thread pool, and 1 MiB chunks cost about a quarter less CPU
 * per byte than 64 KiB ones (docs/performance.md, "Reading path").
 */
const READ_CHUNK = 1 << 20;

/** Names of the temporary files of in-progress atomic writes: `.<name>.<pid>-<rand>.tmp`. */
const TEMP_FILE = /^\..+\.(\d+)-[0-9a-f]+\.tmp$/;


function localPath(uri: string): string {
  const parsed = parseUri(uri);
  if (parsed.scheme !== 'file') throw new StoreError(`${uri}: not a local path or file:// URI`);
  return parsed.path;
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * A filesystem error in words a person acts on: a read-only or forbidden location is said so, with the path the
 * system refused (mkdir of a folder under a read-only one reports ENOENT on some systems: the path says where).
 */
export function describeFsError(err: unknown, path: string): string {
  const c = code(err);
  const at = (err as NodeJS.ErrnoException | undefined)?.path ?? path;
  if (c === 'EROFS') return `read-only file system at ${at}`;
  if (c === 'EACCES' || c === 'EPERM') return `permission denied at ${at} (read-only or not yours)`;
  if (c === 'ENOSPC') return `no space left on the device of ${at}`;
  return (err as Error)?.message ?? String(err);
}

/**
 * Creates `dir` and its parents, or throws naming the cause: a recursive mkdir under a folder it may not write to can
 * report ENOENT (the missing child) instead of EACCES/EROFS, so the nearest existing ancestor is looked at.
 */
async function makeFolder(uri: string, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    let reason = describeFsError(err, dir);
    if (code(err) === 'ENOENT' || code(err) === 'EACCES' || code(err) === 'EPERM' || code(err) === 'EROFS') {
      let ancestor = dirname(dir);
      while (ancestor !== dirname(ancestor) && !(await statOrUndefined(ancestor).catch(() => undefined))) ancestor = dirname(ancestor);
      const writable = await access(ancestor, constants.W_OK).then(() => true, (e: unknown) => e);
      if (writable !== true) reason = describeFsError(writable, ancestor);
      else if (code(err) !== 'ENOENT') reason = describeFsError(err, dir);
    }
    throw new StoreError(`${uri}: cannot create the folder ${dir}: ${reason}`, { cause: err });
  }
}

function etagOf(st: Stats): string {
  return `${Math.trunc(st.mtimeMs).toString(16)}-${st.size.toString(16)}`;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Local filesystem backend: plain paths and `file://` URLs. Writes are atomic (temp file + rename). */
export class LocalBackend implements StoreBackend {
  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const root = localPath(prefixUri);
    const top = await statOrUndefined(root);
    if (!top) return [];
    if (top.isFile()) {
      // A single file given as the prefix lists as itself.
      return [{ uri: prefixUri, key: basename(root), size: top.size, etag: etagOf(top) }];
    }
    const out: ObjectInfo[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (code(err) === 'ENOENT') return; // removed while listing
        throw err;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        const key = keyPrefix + entry.name;
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          const target = await statOrUndefined(path);
          isDir = target?.isDirectory() ?? false;
          isFile = target?.isFile() ?? false;
        }
        if (isDir) {
          await walk(path, `${key}/`);
        } else if (isFile && !TEMP_FILE.test(entry.name)) {
          const st = await statOrUndefined(path);
          if (st) out.push({ uri: joinUri(prefixUri, key), key, size: st.size, etag: etagOf(st) });
        }
      }
    };
    await walk(root, '');
    return sortByKey(out);
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const path = localPath(uri);
    const st = await statOrUndefined(path);
    if (!st || !st.isFile()) return undefined;
    return { uri, key: basename(path), size: st.size, etag: etagOf(st) };
  }

  async readStream(uri: string, range?: ByteRange): Promise<Readable> {
    checkRange(uri, range);
    const path = localPath(uri);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') throw new StoreNotFoundError(uri, { cause: err });
      throw new StoreError(`${uri}: cannot open (${(err as Error).message})`, { cause: err });
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      throw new StoreError(`${uri}: not a file`);
    }
    const start = range?.start ?? 0;
    const end = range?.end;
    if ((end !== undefined && end <= start) || start >= st.size) {
      await handle.close();
      return Readable.from([]);
    }
    return handle.createReadStream({ start, end: end === undefined ? undefined : end - 1, autoClose: true, highWaterMark: READ_CHUNK });
  }

  async write(uri: string, body: Body): Promise<void> {
    const path = localPath(uri);
    const dir = dirname(path);
    await makeFolder(uri, dir);
    const tmp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    try {
      if (body instanceof Readable) {
        await pipeline(body, createWriteStream(tmp));
      } else {
        await writeFile(tmp, body);
      }
      writeFaultPoint('tmp', uri);
      await rename(tmp, path);
      writeFaultPoint('written', uri);
      await writePausePoint(uri);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw new StoreError(`${uri}: write failed (${describeFsError(err, tmp)})`, { cause: err });
    }
  }

  async writeIfAbsent(uri: string, body: string | Buffer): Promise<boolean> {
    const path = localPath(uri);
    const dir = dirname(path);
    const tmp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await makeFolder(uri, dir);
      await writeFile(tmp, body, { flag: 'wx' });
      // link() refuses an existing name (O_EXCL semantics) and the file it links is already whole.
      await link(tmp, path);
      return true;
    } catch (err) {
      if (code(err) === 'EEXIST') return false;
      if (err instanceof StoreError) throw err;
      throw new StoreError(`${uri}: exclusive create failed (${describeFsError(err, path)})`, { cause: err });
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  async removeTemporaries(prefixUri: string): Promise<string[]> {
    const root = localPath(prefixUri);
    const removed: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        const m = entry.isFile() ? TEMP_FILE.exec(entry.name) : null;
        if (m && !isProcessAlive(Number(m[1]))) {
          await unlink(path).catch((err: unknown) => {
            if (code(err) !== 'ENOENT') throw err;
          });
          removed.push(path);
        }
      }
    };
    await walk(root);
    return removed.sort();
  }

  async delete(uri: string): Promise<void> {
    try {
      await unlink(localPath(uri));
    } catch (err) {
      if (code(err) !== 'ENOENT') throw new StoreError(`${uri}: delete failed (${(err as Error).message})`, { cause: err });
    }
  }
}
