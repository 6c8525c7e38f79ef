/**
 * Class 2 of issue 13: markers are not trusted blindly. A resume checks every recorded output's size and sha256 and
 * redoes the unit whose file was deleted, truncated or changed; an unreadable artifact is reported by its name.
 */
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScoreFile } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { copyOutput, deliverables, listFiles, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
let finished: string;
let expected: Record<string, string>;

beforeAll(async () => {
  world = await tinyWorld();
  finished = await mkdtemp(join(world.root, 'finished-'));
  await runTiny(tinySpec(world, finished));
  expected = await deliverables(finished);
});
afterAll(async () => {
  await world.cleanup();
});

/** A copy of the finished run to damage. */
async function damaged(): Promise<string> {
  const out = await mkdtemp(join(world.root, 'damaged-'));
  await copyOutput(finished, out);
  return out;
}

async function firstSelected(out: string): Promise<string> {
  return join(out, (await listFiles(out)).find((k) => k.startsWith('selected/') && k.endsWith('.jsonl.gz'))!);
}

describe('a resume over damaged outputs', () => {
  it('rewrites a deleted selected/<item>.jsonl.gz', async () => {
    const out = await damaged();
    await rm(await firstSelected(out));
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(expected);
  });

  it('rewrites a selected file whose bytes were flipped (same size)', async () => {
    const out = await damaged();
    const file = await firstSelected(out);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await writeFile(file, bytes);
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(expected);
  });

  it('rescores an item whose scores/<item>.parquet was truncated, and selects the same documents', async () => {
    const out = await damaged();
    const scores = join(out, 'scores', '00000.parquet');
    await truncate(scores, 100);
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(expected);
    expect((await readScoreFile(createStore(), scores)).length).toBeGreaterThan(0);
  });

  it('rewrites reference/labels.jsonl.gz when another file was put in its place', async () => {
    const out = await damaged();
    await writeFile(join(out, 'reference', 'labels.jsonl.gz'), await readFile(join(out, 'sample', 'sample.jsonl.gz')));
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(expected);
  });

  it('names the scores file when its parquet footer is unreadable', async () => {
    const out = await damaged();
    const scores = join(out, 'scores', '00001.parquet');
    await truncate(scores, 40);
    await expect(readScoreFile(createStore(), scores)).rejects.toThrow(`${scores}: not a readable score file`);
  });
});
