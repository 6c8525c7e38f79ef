/**
 * The kill property of issue 13: `proxysel run` killed with SIGKILL at seeded points spread over every stage (before a
 * write's rename, or right after it), then resumed, ends with the bytes of an uninterrupted run: the same
 * manifest.json and selected/* files, and no temporary file left anywhere in the output.
 *
 * The kill is deterministic: PROXYSEL_FAULT_KILL=<phase>:<key> makes the CLI SIGKILL itself when it writes that key
 * (lib/store/fault-injection.ts). The points are drawn from the keys an uninterrupted run writes (PROXYSEL_WRITE_TRACE),
 * at least two per stage, and split into chains: each chain starts from an empty output and kills one run after another
 * at points further down the pipeline, each run resuming what the killed one left, then a last run finishes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../lib/seeded-random.ts';
import { deliverables, listFiles, runTiny, tinySpec, tinyWorld, type TinyWorld } from './tiny-job.ts';

const SEED = 13;
const POINTS_PER_STAGE = 2;
const CHAINS = 2;
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'proxysel.js');

/** The stage a written key belongs to (its marker counts with the stage). */
function stageOf(key: string): string {
  const marker = /^plan\/done\/([^/]+)\//.exec(key);
  if (marker) return marker[1]!;
  if (key === 'plan.json' || key.startsWith('plan/') ) return 'plan';
  if (key.startsWith('dedup/')) return 'dedup';
  if (key.startsWith('sample/part-')) return 'sample';
  if (key.startsWith('sample/')) return 'merge-sample';
  if (key.startsWith('reference/part-')) return 'reference';
  if (key.startsWith('reference/')) return 'merge-labels';
  if (key.startsWith('proxy/')) return 'fit';
  if (key.startsWith('scores/')) return 'score';
  if (key === 'budget/estimate.json') return 'reduce';
  if (key.startsWith('budget/counts/')) return 'count';
  if (key === 'threshold.json') return 'settle';
  if (key.startsWith('selected/') || key.startsWith('attributes/')) return 'select';
  if (key === 'manifest.json') return 'finalize';
  if (key === 'run.json' || key === 'report.html') return 'report';
  if (key === '_SUCCESS') return 'success';
  throw new Error(`unexpected key written: ${key}`);
}

interface KillPoint {
  order: number;
  key: string;
  phase: 'tmp' | 'written';
}

/** Runs the CLI on the spec, killed at `point` if it gets there; resolves with how it ended. */
function runCli(specPath: string, point: KillPoint | undefined): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.PROXYSEL_WRITE_TRACE;
    if (point) env.PROXYSEL_FAULT_KILL = `${point.phase}:${point.key}`;
    else delete env.PROXYSEL_FAULT_KILL;
    const child = spawn(process.execPath, [CLI, 'run', specPath, '--workers', '0', '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

let world: TinyWorld;
let expected: Record<string, string>;
let points: KillPoint[];

beforeAll(async () => {
  world = await tinyWorld();
  // The uninterrupted run, in this process, with every write traced.
  const reference = join(world.root, 'uninterrupted');
  const trace = join(world.root, 'writes.txt');
  process.env.PROXYSEL_WRITE_TRACE = trace;
  try {
    await runTiny(tinySpec(world, reference));
  } finally {
    delete process.env.PROXYSEL_WRITE_TRACE;
  }
  expected = await deliverables(reference);
  const keys = (await readFile(trace, 'utf8')).trim().split('\n').map((uri) => uri.slice(reference.length + 1));
  const byStage = new Map<string, number[]>();
  keys.forEach((key, order) => byStage.set(stageOf(key), [...(byStage.get(stageOf(key)) ?? []), order]));
  const random = mulberry32(SEED);
  points = [];
  for (const orders of byStage.values()) {
    const pool = [...orders];
    for (let i = 0; i < POINTS_PER_STAGE && pool.length > 0; i++) {
      const order = pool.splice(Math.floor(random() * pool.length), 1)[0]!;
      points.push({ order, key: keys[order]!, phase: random() < 0.5 ? 'tmp' : 'written' });
    }
  }
  points.sort((a, b) => a.order - b.order);
});
afterAll(async () => {
  await world?.cleanup();
});

describe('kill -9 at seeded points, then resume', () => {
  it('ends with the bytes of an uninterrupted run and no temporary file, at >= 20 points over every stage', async () => {
    const stages = new Set(points.map((p) => stageOf(p.key)));
    expect([...stages]).toEqual(
      expect.arrayContaining(['plan', 'sample', 'merge-sample', 'reference', 'merge-labels', 'fit', 'score', 'reduce', 'count', 'settle', 'select', 'finalize', 'report', 'success']),
    );
    expect(points.length).toBeGreaterThanOrEqual(20);

    const chains = Array.from({ length: CHAINS }, (_, c) => points.filter((_, i) => i % CHAINS === c));
    const outcomes = await Promise.all(
      chains.map(async (chain, c) => {
        const output = await mkdtemp(join(world.root, `chain-${c}-`));
        const specPath = join(world.root, `chain-${c}.json`);
        await writeFile(specPath, JSON.stringify(tinySpec(world, output)));
        const killed: string[] = [];
        for (const point of chain) {
          const run = await runCli(specPath, point);
          if (run.signal === 'SIGKILL') killed.push(`${point.phase}:${point.key}`);
          else expect(run.code, run.stderr).toBe(0); // the point's unit was already done: the run finished
        }
        const last = await runCli(specPath, undefined);
        expect(last.code, last.stderr).toBe(0);
        return { output, killed };
      }),
    );
    for (const { output } of outcomes) {
      expect(await deliverables(output)).toEqual(expected);
      expect((await listFiles(output)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(await listFiles(output)).toContain('_SUCCESS');
    }
    const kills = outcomes.flatMap((o) => o.killed);
    expect(kills.length).toBeGreaterThanOrEqual(20);
  }, 600_000);
});
