/**
 * Class 4 of issue 13: an output inside the corpus prefix, equal to it, or containing it is refused before any work,
 * with a message naming both locations; nothing is written into the corpus.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpecError, parseJobSpec } from '../../lib/job/index.ts';
import { runJob } from '../../lib/runner/local-runner.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import { listFiles, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeAll(async () => {
  world = await tinyWorld();
});
afterAll(async () => {
  await world.cleanup();
});

describe('an output that overlaps the corpus', () => {
  it.each([
    ['inside it', (c: string) => join(c, 'out')],
    ['equal to it', (c: string) => c],
    ['equal to it with a trailing slash', (c: string) => `${c}/`],
    ['containing it', (c: string) => join(c, '..')],
    ['inside it through ..', (c: string) => join(c, '..', 'corpus', 'sub', '..', 'x')],
    ['inside it as a file:// URL', (c: string) => `file://${join(c, 'out')}`],
  ])('is refused at validation when %s, naming both', (_what, outputOf) => {
    const output = outputOf(world.corpus);
    const spec = tinySpec(world, output);
    expect(() => parseJobSpec(spec)).toThrow(JobSpecError);
    expect(() => parseJobSpec(spec)).toThrow(/output: .*corpus\.uri/);
    try {
      parseJobSpec(spec);
    } catch (e) {
      expect((e as Error).message).toContain(output);
      expect((e as Error).message).toContain(world.corpus);
    }
  });

  it('is refused for s3:// locations folder-wise: inside and containing, but not a sibling sharing a name prefix', () => {
    const s3 = (corpus: string, output: string) => () => parseJobSpec({ ...tinySpec(world, output), corpus: { uri: corpus } });
    expect(s3('s3://b/corpora/cc/', 's3://b/corpora/cc/out/')).toThrow(/lies inside corpus\.uri/);
    expect(s3('s3://b/corpora/cc', 's3://b/corpora/')).toThrow(/contains corpus\.uri/);
    expect(s3('s3://b/corpora/cc/', 's3://b/corpora/cc')).toThrow(/is corpus\.uri/);
    expect(s3('s3://b/corpora/cc/', 's3://b/corpora/cc-selected/')).not.toThrow();
    expect(s3('s3://b/corpora/cc/', 's3://other/corpora/cc/')).not.toThrow();
  });

  it('is refused by the run when --out moves the output into the corpus, and writes nothing there', async () => {
    const before = await listFiles(world.corpus);
    const ok = await mkdtemp(join(world.root, 'ok-'));
    await expect(runJob(tinySpec(world, ok), { output: join(world.corpus, 'sel'), workers: 0, log: silentLogger })).rejects.toThrow(
      /output: .*lies inside corpus\.uri/,
    );
    expect(await listFiles(world.corpus)).toEqual(before);
  });
});
