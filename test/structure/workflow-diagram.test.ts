/**
 * The docs keep one workflow diagram, docs/cloud.md's mermaid flowchart, and it follows the stage registry: its stage
 * nodes, along the longest path from Plan (Catch edges, dashed, left out), are plan and then every phase's stages in
 * `phases` order (lib/pipeline/stages.ts), a conditional phase can be skipped, and the settle phase loops.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { phases, stageNames, stateName } from '../../lib/pipeline/stages.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The mermaid blocks of a Markdown file. */
const mermaidBlocks = (text: string) => [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

interface Flowchart {
  labels: Map<string, string>;
  edges: Map<string, Set<string>>;
}

/** Nodes (`id[label]`, `id[[label]]`, `id{label}`) and solid edges (`a & b --> c -->|text| d`) of a flowchart. */
function parseFlowchart(text: string): Flowchart {
  const labels = new Map<string, string>();
  const edges = new Map<string, Set<string>>();
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '' || line.includes('-.->')) continue; // the Catch edges: the failure path
    const steps = line.split(/-->(?:\|[^|]*\|)?/).map((part) =>
      part.split('&').map((node) => {
        const m = /^\s*(\w+)\s*(?:\[\[(.*?)\]\]|\[(.*?)\]|\{(.*?)\})?\s*$/.exec(node);
        if (!m) throw new Error(`cannot read the node "${node}" in: ${line}`);
        const label = m[2] ?? m[3] ?? m[4];
        if (label !== undefined) labels.set(m[1]!, label);
        return m[1]!;
      }),
    );
    for (let i = 0; i + 1 < steps.length; i++) {
      for (const from of steps[i]!) for (const to of steps[i + 1]!) (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
    }
  }
  return { labels, edges };
}

/** The stage a node stands for: its label's first word (`SampleMap: Distributed` -> sample), if it names one. */
function stageOfNode(label: string | undefined): string | undefined {
  const word = (label ?? '').split(/[\s:]/)[0]!.replace(/Map$/, '');
  return stageNames.find((s) => stateName(s) === word);
}

describe('the workflow diagram', () => {
  const cloud = mermaidBlocks(read('docs/cloud.md'));
  const chart = parseFlowchart(cloud[0] ?? '');
  const stageOf = (node: string) => stageOfNode(chart.labels.get(node));
  const nodeOf = (stage: string) => [...chart.labels.keys()].find((n) => stageOf(n) === stage)!;

  it('is one: docs/cloud.md holds it, README and docs/architecture.md no other', () => {
    expect(cloud.length).toBe(1);
    expect(read('docs/cloud.md').replace(/```mermaid\n[\s\S]*?```/g, '')).not.toMatch(/═►|plan\s*(?:─►|→|-->)\s*\S*sample/i);
    for (const doc of ['README.md', 'docs/architecture.md']) {
      expect(mermaidBlocks(read(doc)), doc).toEqual([]);
      // nor an ASCII one: a fan-out arrow, or plan drawn leading into sample
      expect(read(doc), doc).not.toMatch(/═►|plan\s*(?:─►|→|-->)\s*\S*sample/i);
    }
  });

  it("names the stages in the registry's order: plan, then every phase's stages", () => {
    const longest = (node: string, seen: Set<string>): string[] => {
      let best: string[] = [];
      for (const n of chart.edges.get(node) ?? []) {
        if (seen.has(n)) continue;
        const path = longest(n, new Set([...seen, n]));
        if (path.length > best.length) best = path;
      }
      const own = stageOf(node);
      return own ? [own, ...best] : best;
    };
    const plan = nodeOf('plan');
    expect(longest(plan, new Set([plan]))).toEqual(['plan', ...phases.flatMap((p) => p.stages)]);
  });

  it('draws a way around each conditional phase and the loop of the settle phase', () => {
    const reachable = (from: string, avoid: Set<string>, to: string): boolean => {
      const stack = [from];
      const seen = new Set<string>();
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n === to) return true;
        if (seen.has(n) || avoid.has(n)) continue;
        seen.add(n);
        stack.push(...(chart.edges.get(n) ?? []));
      }
      return false;
    };
    for (const [i, phase] of phases.entries()) {
      if (phase.when) {
        const inside = new Set(phase.stages.map(nodeOf));
        const before = nodeOf(phases[i - 1]!.stages.at(-1)!);
        expect(reachable(before, inside, nodeOf(phases[i + 1]!.stages[0]!)), phase.name).toBe(true);
      }
      if (phase.repeat === 'until-settled') expect(chart.edges.get(nodeOf(phase.stages.at(-1)!)), phase.name).toContain(nodeOf(phase.stages[0]!));
    }
  });
});
