/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, largest first, as a markdown table.
 * Used for docs/performance.md's before/after profiles of the score stage.
 *
 * Usage: tsx bench/lib/cpuprofile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time per function (microseconds), keyed by "name (file:line)". */
export function selfTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const f = node.callFrame;
    const file = f.url.replace(/^.*\/(lib|bench|node_modules)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'}${file ? ` (${file}:${f.lineNumber + 1})` : ''}`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const [path, topArg] = argv;
  if (!path) throw new Error('usage: cpuprofile-summary.ts <file.cpuprofile> [top]');
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const times = [...selfTimes(profile).entries()].sort((a, b) => b[1] - a[1]);
  const total = times.reduce((a, [, t]) => a + t, 0);
  const top = Number(topArg ?? 25);
  const lines = [`total sampled: ${(total / 1e6).toFixed(2)} s`, '', '| function (self time) | s | share |', '|---|---:|---:|'];
  for (const [name, t] of times.slice(0, top)) lines.push(`| ${name} | ${(t / 1e6).toFixed(2)} | ${((100 * t) / total).toFixed(1)}% |`);
  process.stdout.write(lines.join('\n') + '\n');
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`cpuprofile-summary: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
