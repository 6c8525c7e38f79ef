/**
 * Class 7 of issue 13: the smaller cases, each with a clear message or warning instead of silence or a wrong success.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/index.ts';
import { parseSize } from '../../lib/cost/index.ts';
import { parseJobSpec } from '../../lib/job/index.ts';
import { planJob } from '../../lib/pipeline/plan.ts';
import { readPlan } from '../../lib/run/index.ts';
import { parseBudgetOption } from '../../lib/job/index.ts';
import { reselect } from '../../lib/runner/reselect.ts';
import { selectionFromFlags } from '../../lib/cli/select.ts';
import { silentLogger } from '../../lib/pipeline/context.ts';
import type { Logger } from '../../lib/pipeline/types.ts';
import { createStore } from '../../lib/store/index.ts';
import { runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

let world: TinyWorld;
let finished: string;
beforeAll(async () => {
  world = await tinyWorld();
  finished = await mkdtemp(join(world.root, 'finished-'));
  await runTiny(tinySpec(world, finished));
});
afterAll(async () => {
  await world.cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (m: string) => warnings.push(m), warnings };
}

/** Runs the CLI's main in this process; returns its exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out };
}

describe('empty shards', () => {
  it('are reported by the plan (warning and plan.json), not silently left out', async () => {
    const corpus = join(world.root, 'with-empty');
    await (await import('node:fs/promises')).cp(world.corpus, corpus, { recursive: true });
    for (const name of ['empty.jsonl.gz', 'empty.jsonl.zst', 'empty.parquet']) await writeFile(join(corpus, name), '');
    const log = recordingLogger();
    const out = await mkdtemp(join(world.root, 'empty-'));
    const planned = await planJob({ spec: { ...tinySpec(world, out), corpus: { uri: corpus } } }, { store: createStore(), log, progress: { add() {} } });
    const run = await readPlan(createStore(), planned.plan);
    expect(run.plan.corpus.emptyShards).toEqual(['empty.jsonl.gz', 'empty.jsonl.zst', 'empty.parquet']);
    expect(log.warnings.join('\n')).toMatch(/3 empty shard\(s\).*empty\.jsonl\.gz, empty\.jsonl\.zst, empty\.parquet/);
  });
});

describe('budget errors', () => {
  it.each([
    [{ tokens: 0.5 }, /budget\.tokens: .*whole number/],
    [{ tokens: -3 }, /budget\.tokens: .*positive/],
    [{ docs: 2.5 }, /budget\.docs: .*whole number/],
    [{ fraction: 1.5 }, /budget\.fraction: .*at most 1/],
    [{ tokns: 5 }, /budget: unknown field "tokns"/],
    [{ tokens: 5, docs: 5 }, /budget: give exactly one of .*got tokens, docs/],
    [{ flops: 1e21 }, /budget\.modelParams: /],
    [{}, /budget: give exactly one of/],
    ['lots', /budget: expected an object/],
    [{ flops: 1e300, modelParams: 1 }, /budget\.flops: .*tokens/],
  ])('say what is wrong with %j', (budget, message) => {
    expect(() => parseJobSpec({ ...tinySpec(world, '/tmp/x'), budget })).toThrow(message);
  });
});

describe('the reference text', () => {
  it('is named when it has no words', async () => {
    const empty = join(world.root, 'empty-reference.txt');
    await writeFile(empty, '   \n\n  ');
    const out = await mkdtemp(join(world.root, 'noref-'));
    await expect(runTiny(tinySpec(world, out, { reference: { kind: 'ngram', text: empty } }))).rejects.toThrow(`${empty}: `);
  });
});

describe('proxysel select', () => {
  it.each(['tokens=0.5', 'docs=0.9', 'tokens=-5', 'docs=0', '', 'fraction=2', 'tokens=abc'])('refuses --budget "%s"', (text) => {
    expect(() => parseBudgetOption(text)).toThrow(/--budget/);
  });

  it('refuses an empty --budget on the command line instead of ignoring it', async () => {
    await expect(cli(['select', finished, '--budget', ''])).rejects.toThrow(/--budget ""/);
  });

  it('refuses --policy reducible on a run whose proxy learned the loss', async () => {
    await expect(reselect(finished, selectionFromFlags({ policy: 'reducible' }), { store: createStore(), log: silentLogger })).rejects.toThrow(/reducible.*target is "loss"/);
  });

  it('reads a negative number after a space as the value, and says what is wrong with it', async () => {
    await expect(cli(['select', finished, '--lambda', '-1'])).rejects.toThrow(/lambda: .*>=\s*0|lambda.*greater than or equal to 0/i);
  });
});

describe('--help', () => {
  it.each(['run', 'demo', 'select', 'report', 'validate', 'watch', 'estimate'])('answers on %s with its usage and exit code 0', async (command) => {
    const { code, out } = await cli([command, '--help']);
    expect(code).toBe(0);
    expect(out).toContain(`proxysel ${command}`);
  });
});

describe('proxysel estimate', () => {
  it('refuses absurd sizes', () => {
    expect(() => parseSize('1e24TB', '--corpus-bytes')).toThrow(/--corpus-bytes: .*at most/);
    expect(parseSize('10TB', '--corpus-bytes')).toBe(1e13);
  });

  it('reads a negative number after a space as the value and refuses it by name', async () => {
    await expect(cli(['estimate', '--corpus-bytes', '1TB', '--tokens-per-byte', '-0.5'])).rejects.toThrow(/--tokens-per-byte: .*positive/);
  });
});
