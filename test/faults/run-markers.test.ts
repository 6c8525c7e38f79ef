/**
 * Class 3 of issue 13: `_SUCCESS` is never stale or early. A run removes it when it starts and writes it last (after
 * report.html); a failed run leaves `_FAILED` with the cause and no manifest of an older run; temporary files of killed
 * writes are removed at the next run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverables, listFiles, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeEach(async () => {
  world = await tinyWorld();
});
afterEach(async () => {
  delete process.env.PROXYSEL_WRITE_TRACE;
  await world.cleanup();
});

describe('_SUCCESS and _FAILED', () => {
  it('a re-run that fails removes the old _SUCCESS and manifest and writes _FAILED naming the bad shard', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    await runTiny(tinySpec(world, out));
    const shard = join(world.corpus, 'b.jsonl.gz');
    const bytes = await readFile(shard);
    await writeFile(shard, bytes.subarray(0, bytes.length - 30)); // a truncated gzip stream
    await expect(runTiny(tinySpec(world, out))).rejects.toThrow(/b\.jsonl\.gz/);
    const files = await listFiles(out);
    expect(files).not.toContain('_SUCCESS');
    expect(files).not.toContain('manifest.json');
    expect(files).not.toContain('report.html');
    const failed = JSON.parse(await readFile(join(out, '_FAILED'), 'utf8')) as { error: string; cause: string; output: string };
    expect(failed.cause).toContain('b.jsonl.gz');
    expect(failed.output).toBe(out);

    // Repaired, the next run succeeds and removes _FAILED.
    await writeFile(shard, bytes);
    await runTiny(tinySpec(world, out));
    expect(await listFiles(out)).toContain('_SUCCESS');
    expect(await listFiles(out)).not.toContain('_FAILED');
  });

  it('writes _SUCCESS last, after manifest.json, run.json and report.html', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    const trace = join(world.root, 'writes.txt');
    process.env.PROXYSEL_WRITE_TRACE = trace;
    await runTiny(tinySpec(world, out));
    const written = (await readFile(trace, 'utf8')).trim().split('\n').map((uri) => uri.slice(out.length + 1));
    expect(written.at(-1)).toBe('_SUCCESS');
    expect(written.indexOf('report.html')).toBeGreaterThan(written.indexOf('manifest.json'));
    expect(written.indexOf('report.html')).toBeGreaterThan(written.indexOf('run.json'));
    expect(written.filter((k) => k === '_SUCCESS')).toHaveLength(1);
  });
});

describe('temporary files of killed writes', () => {
  it('are removed at the next run, and the run still gives the same bytes', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    await runTiny(tinySpec(world, out));
    const before = await deliverables(out);
    // A process that has exited: its pid names the temporaries it would have left.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const leftovers = [
      join(out, 'selected', `.00000.jsonl.gz.${dead}-0a1b2c3d4e5f.tmp`),
      join(out, 'scores', `.00001.parquet.${dead}-aabbccddeeff.tmp`),
      join(out, `.manifest.json.${dead}-001122334455.tmp`),
    ];
    for (const file of leftovers) await writeFile(file, 'half a write');
    await runTiny(tinySpec(world, out));
    const files = await listFiles(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await deliverables(out)).toEqual(before);
  });

  it('leaves alone the temporaries of a live process', async () => {
    const out = await mkdtemp(join(world.root, 'out-'));
    const live = join(out, `.x.json.${process.pid}-0a1b2c3d4e5f.tmp`);
    await writeFile(live, 'in use');
    await runTiny(tinySpec(world, out));
    expect(await listFiles(out)).toContain(`.x.json.${process.pid}-0a1b2c3d4e5f.tmp`);
    await rm(live);
  });
});
