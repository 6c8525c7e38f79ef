/**
 * Class 1 of issue 13: a resume after an input changed must redo what depends on the change, so that its result is the
 * bytes of a fresh run over the changed input (never old labels beside a new sample, nor scores of an old proxy).
 */
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSampleFile } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { brownTexts, deliverables, freshDeliverables, idTheSamplerPicks, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
beforeEach(async () => {
  world = await tinyWorld();
});
afterEach(async () => {
  await world.cleanup();
});

async function finishedRun(): Promise<string> {
  const out = await mkdtemp(join(world.root, 'out-'));
  await runTiny(tinySpec(world, out));
  return out;
}

describe('a resume after the corpus changed', () => {
  it('redoes sample, reference, fit and score when one appended document enters the sample: same bytes as a fresh run', async () => {
    const out = await finishedRun();
    const picked = idTheSamplerPicks('appended');
    await appendFile(join(world.corpus, 'a.jsonl'), JSON.stringify({ id: picked, text: brownTexts[650] }) + '\n');
    await runTiny(tinySpec(world, out));
    const sampled = [];
    for await (const rec of readSampleFile(createStore(), join(out, 'sample', 'sample.jsonl.gz'))) sampled.push(rec.id);
    expect(sampled).toContain(picked);
    expect(await deliverables(out)).toEqual(await freshDeliverables(world));
  });

  it('does not wedge when 60 lines are appended to a shard whose quota exceeded its documents: same bytes as a fresh run', async () => {
    const out = await finishedRun();
    const lines = brownTexts.slice(600, 660).map((text, i) => JSON.stringify({ id: `more-${i}`, text }));
    await appendFile(join(world.corpus, 'c.jsonl'), lines.join('\n') + '\n');
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(await freshDeliverables(world));
  });

  it('redoes the reference pass and everything after it when the reference text is replaced at the same path', async () => {
    const out = await finishedRun();
    await writeFile(world.reference, brownTexts.slice(380, 700).reverse().join('\n\n'));
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(await freshDeliverables(world));
  });

  it('redoes the sample of every item whose quota moved when a new shard joins the corpus', async () => {
    const out = await finishedRun();
    await writeFile(join(world.corpus, 'd.jsonl'), brownTexts.slice(560, 640).map((text, i) => JSON.stringify({ id: `d-${i}`, text })).join('\n') + '\n');
    await runTiny(tinySpec(world, out));
    expect(await deliverables(out)).toEqual(await freshDeliverables(world));
  });
});
