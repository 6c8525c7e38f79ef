import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { WorkItem } from '../corpus/index.ts';
import { artifactKeys, contentCacheSchema, type ContentCache } from '../run/index.ts';
import { joinUri, parseUri, type ObjectStore } from '../store/index.ts';
import type { Logger } from './types.ts';

/**
 * Content versions of local shards. A local file's listed version (mtime and size) survives an edit in place at the
 * same size whose mtime was put back (`rsync -t`, `cp -p`, `git checkout`, `touch -r`), so the plan replaces it with the
 * sha256 of the file's bytes: `sha256-<hex>`, the `etag` of every work item of that shard, which every unit's
 * fingerprint covers. Any changed byte redoes the units of that shard; a touched but unchanged file redoes nothing.
 *
 * Hashing reads each local shard once at the plan. A resume skips that read for a shard whose size, mtime, ctime and
 * inode are those recorded beside its hash (`plan/content.json`): an in-place write always moves the ctime, which no
 * tool can set back. S3 objects keep their ETag (S3 computes it from the bytes; multipart ETags from the parts).
 */

/** Shards hashed at once. */
const CONCURRENCY = 2;

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The work items with `etag` set to the content hash of their shard where it is a local file; S3 items unchanged.
 * Reads and rewrites the hash cache under `output`.
 */
export async function withContentVersions(store: ObjectStore, output: string, items: WorkItem[], log: Logger): Promise<WorkItem[]> {
  const local = [...new Set(items.filter((it) => parseUri(it.uri).scheme === 'file').map((it) => it.uri))];
  if (local.length === 0) return items;
  const cacheUri = joinUri(output, artifactKeys.contentCache);
  const cached: ContentCache = (await store.exists(cacheUri))
    ? ((await store.readJson(cacheUri, contentCacheSchema).catch(() => ({}))) as ContentCache)
    : {};
  const next: ContentCache = {};
  let hashedBytes = 0;
  const started = Date.now();
  let index = 0;
  const worker = async () => {
    while (index < local.length) {
      const uri = local[index++]!;
      const path = (parseUri(uri) as { path: string }).path;
      const before = await stat(path);
      const key = { size: before.size, mtimeMs: before.mtimeMs, ctimeMs: before.ctimeMs, ino: before.ino };
      const old = cached[uri];
      if (old && old.size === key.size && old.mtimeMs === key.mtimeMs && old.ctimeMs === key.ctimeMs && old.ino === key.ino) {
        next[uri] = old;
        continue;
      }
      const sha256 = await sha256OfFile(path);
      const after = await stat(path);
      // Changed while read: not cached, so the next run hashes it again.
      if (after.ctimeMs === key.ctimeMs && after.size === key.size) next[uri] = { ...key, sha256 };
      else next[uri] = { ...key, ctimeMs: -1, sha256 };
      hashedBytes += before.size;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, local.length) }, worker));
  if (hashedBytes > 0) {
    const seconds = (Date.now() - started) / 1000;
    log.info(`hashed ${hashedBytes} bytes of local shards in ${seconds.toFixed(1)} s (their content is their version)`);
  }
  const sorted: ContentCache = {};
  for (const uri of Object.keys(next).sort()) sorted[uri] = next[uri]!;
  await store.writeJson(cacheUri, sorted);
  return items.map((it) => (next[it.uri] ? { ...it, etag: `sha256-${next[it.uri]!.sha256}` } : it));
}
