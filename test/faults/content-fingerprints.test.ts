/**
 * Class 2 of issue 28: a local shard edited in place at the same size, its mtime put back (as `rsync -t`, `cp -p` or
 * `git checkout` can leave it), used to keep its old version (mtime and size), so a re-run skipped every unit and
 * served the old text. A local shard's version is now the sha256 of its bytes: the re-run redoes that shard's units
 * and gives the bytes of a fresh run over the edited corpus; a file touched but unchanged redoes nothing.
 */
import { mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import type { Logger } from '../../lib/pipeline/types.ts';
import { deliverables, freshDeliverables, listFiles, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeEach(async () => {
  world = await tinyWorld();
});
afterEach(async () => {
  await world.cleanup();
});

/** Rewrites `path` through `edit` (which keeps its length), then puts its access and modification times back. */
async function editInPlaceKeepingMtime(path: string, edit: (text: string) => string): Promise<void> {
  const before = await stat(path);
  const text = await readFile(path, 'utf8');
  const edited = edit(text);
  expect(Buffer.byteLength(edited)).toBe(Buffer.byteLength(text));
  expect(edited).not.toBe(text);
  await writeFile(path, edited);
  await utimes(path, before.atimeMs / 1000, before.mtimeMs / 1000);
  const after = await stat(path);
  expect([after.size, Math.trunc(after.mtimeMs)]).toEqual([before.size, Math.trunc(before.mtimeMs)]); // its listed version as before
}

/** The ids and texts of every selected document of a finished run. */
async function selectedTexts(out: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const key of (await listFiles(out)).filter((k) => k.startsWith('selected/') && k.endsWith('.jsonl.gz'))) {
    for (const line of gunzipSync(await readFile(join(out, key))).toString('utf8').split('\n')) {
      if (!line) continue;
      const doc = JSON.parse(line) as { id: string; text: string };
      texts.set(doc.id, doc.text);
    }
  }
  return texts;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { ...silentLogger, info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), lines };
}

describe('a local shard edited in place at the same size, mtime restored', () => {
  it('is detected by the re-run, which redoes its units and serves the new text: the bytes of a fresh run', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    await runTiny(tinySpec(world, out));
    const selected = await selectedTexts(out);
    const shard = join(world.corpus, 'a.jsonl');
    const lines = (await readFile(shard, 'utf8')).split('\n');
    // A selected document of a.jsonl whose text has a lowercase "e" to turn into an "E" (same bytes).
    const index = lines.findIndex((l) => l && selected.has(JSON.parse(l).id) && /e/.test(JSON.parse(l).text));
    expect(index).toBeGreaterThanOrEqual(0);
    const id = JSON.parse(lines[index]!).id as string;
    await editInPlaceKeepingMtime(shard, (text) => {
      const l = text.split('\n');
      l[index] = l[index]!.replace(/("text":".*?)e/, '$1E');
      return l.join('\n');
    });
    const log = recordingLogger();
    await runJob(tinySpec(world, out), { workers: 0, log });
    expect(log.lines.join('\n')).toMatch(/sample 00000: redone \(its inputs changed\)/);
    expect((await selectedTexts(out)).get(id)).toBe(JSON.parse((await readFile(shard, 'utf8')).split('\n')[index]!).text);
    expect(await deliverables(out)).toEqual(await freshDeliverables(world));
  });

  it('a reference text edited the same way redoes the reference pass', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    await runTiny(tinySpec(world, out));
    await editInPlaceKeepingMtime(world.reference, (text) => text.replace(/ the /g, ' THE '));
    const log = recordingLogger();
    await runJob(tinySpec(world, out), { workers: 0, log });
    expect(log.lines.join('\n')).toMatch(/reference .*: redone \(its inputs changed\)/);
    expect(await deliverables(out)).toEqual(await freshDeliverables(world));
  });

  it('a shard touched (new mtime) or rewritten with the same bytes redoes nothing, and is not read again at the plan', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    await runTiny(tinySpec(world, out));
    const shard = join(world.corpus, 'a.jsonl');
    await writeFile(shard, await readFile(shard));
    await utimes(shard, new Date(), new Date(Date.now() + 60_000));
    const log = recordingLogger();
    await runJob(tinySpec(world, out), { workers: 0, log });
    // (count units are redone by every run's settle as it widens its boundary region: not a change of the shard)
    expect(log.lines.filter((l) => /redone/.test(l) && !l.startsWith('count ')), log.lines.join('\n')).toEqual([]);
    expect(log.lines.join('\n')).toMatch(/hashed \d+ bytes of local shards/); // a.jsonl only: its ctime moved
    const again = recordingLogger();
    await runJob(tinySpec(world, out), { workers: 0, log: again });
    expect(again.lines.join('\n')).not.toMatch(/hashed/);
  });
});
