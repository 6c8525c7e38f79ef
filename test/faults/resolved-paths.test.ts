/**
 * Class 3 of issue 28: an output that is the corpus's in disguise (through a symbolic link that points into the
 * corpus, a `file://` URL, `./` or `..`, or a path relative to the spec's folder) is refused by `proxysel validate`,
 * `run`, `select` and `watch` alike, before anything is written: the corpus stays as it was.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyselInProcess } from './cli-in-process.ts';
import { copyOutput, listFiles, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeAll(async () => {
  world = await tinyWorld();
  await symlink(world.corpus, join(world.root, 'alias'));
});
afterAll(async () => {
  await world.cleanup();
});

const proxysel = proxyselInProcess;

/** A spec file in the world's root with the tiny job writing into `output`, its other paths as given. */
async function specFile(output: string, corpus: string = world.corpus): Promise<string> {
  const path = join(world.root, `spec-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify({ ...tinySpec(world, output), corpus: { uri: corpus } }));
  return path;
}

describe('an output that resolves into the corpus', () => {
  it.each([
    ['under a symbolic link to the corpus', () => 'alias/out', () => world.corpus],
    ['under a symbolic link, absolute', () => join(world.root, 'alias', 'out'), () => world.corpus],
    ['a file:// URL while the corpus is relative to the spec', () => `file://${world.corpus}/out`, () => 'corpus'],
    ['with ./ while the corpus is relative to the spec', () => `${world.corpus}/./out/`, () => 'corpus'],
    ['through .. while the corpus is relative to the spec', () => `${world.root}/x/../corpus/out`, () => './corpus/'],
  ])('%s: validate and run refuse it (exit 2), nothing is written into the corpus', async (_what, outputOf, corpusOf) => {
    const before = await listFiles(world.corpus);
    const path = await specFile(outputOf(), corpusOf());
    const validated = await proxysel(['validate', path]);
    expect(validated.err).toMatch(/output: .*lies inside corpus\.uri/);
    expect(validated.code).toBe(2);
    const ran = await proxysel(['run', path, '--workers', '0', '--quiet']);
    expect(ran.err).toMatch(/output: .*lies inside corpus\.uri/);
    expect(ran.code).toBe(2);
    expect(await listFiles(world.corpus)).toEqual(before);
  });

  it('select into a finished run reached through a link into the corpus is refused, and writes nothing there', async () => {
    // A finished run copied into the corpus (as a careless `cp -r` would), then re-selected through the link.
    const finished = await mkdtemp(join(world.root, 'finished-'));
    await runTiny(tinySpec(world, finished));
    await mkdir(join(world.corpus, 'old-run'));
    await copyOutput(finished, join(world.corpus, 'old-run'));
    const before = await listFiles(world.corpus);
    const selected = await proxysel(['select', join(world.root, 'alias', 'old-run'), '--budget', 'fraction=0.1', '--quiet']);
    expect(selected.err).toMatch(/output: .*lies inside corpus\.uri .*\(resolved: /);
    expect(selected.code).toBe(2);
    expect(await listFiles(world.corpus)).toEqual(before);
    await (await import('node:fs/promises')).rm(join(world.corpus, 'old-run'), { recursive: true });
  });

  it('watch refuses a spec in a watched folder whose output is a link into the corpus, writing nothing there', async () => {
    const jobs = await mkdtemp(join(world.root, 'jobs-'));
    await symlink(world.corpus, join(jobs, 'alias'));
    await writeFile(join(jobs, 'job.json'), JSON.stringify({ ...tinySpec(world, 'alias/out'), corpus: { uri: world.corpus } }));
    const before = await listFiles(world.corpus);
    const watched = await proxysel(['watch', jobs, '--once', '--workers', '0', '--quiet']);
    expect(watched.code).toBe(1);
    expect(watched.err).toMatch(/output: .*lies inside corpus\.uri/);
    expect(await listFiles(world.corpus)).toEqual(before);
  });
});
