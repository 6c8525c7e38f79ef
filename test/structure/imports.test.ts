import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every .ts/.js/.mjs file under `dir` (relative to the repository root, `/`-separated). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    // bench/.data is the benchmarks' gitignored cache (and engineers' scratch scripts): not part of the repository.
    if (e.isDirectory()) {
      if (e.name !== '.data' && e.name !== 'node_modules') out.push(...sources(path));
    }
    else if (/\.(ts|js|mjs)$/.test(e.name)) out.push(path);
  }
  return out;
}

/** The relative imports of a file (static, re-exports and dynamic), resolved against the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => relative(ROOT, normalize(join(ROOT, dirname(file), s))).split('\\').join('/'));
}

/** The folder a file belongs to: lib/<name>, functions/<name>, or the top folder (lib/ for lib's single-file modules). */
function folderOf(file: string): string {
  const parts = file.split('/');
  if ((parts[0] === 'lib' || parts[0] === 'functions') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

const CODE = ['lib', 'functions', 'cdk', 'bin'].flatMap(sources);
const edges = CODE.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

/**
 * A cross-folder import that may name a file: lib's single-file modules, each Lambda's handler (functions/index.ts
 * bundles them), and the stage registry, lib/pipeline's light public file (schemas and names, no stage code: cdk/
 * reads it at synth).
 */
function isPublicFile(to: string): boolean {
  if (/^lib\/[^/]+\.ts$/.test(to)) return true;
  if (to === 'lib/pipeline/stages.ts') return true;
  if (/^functions\/[^/]+\/handler\.ts$/.test(to)) return true;
  return to === `${folderOf(to)}/index.ts`;
}

/** The stage modules of lib/pipeline: pure stage functions that import lib/run and domain modules only. */
const STAGES = ['plan', 'sample', 'reference', 'fit', 'score', 'dedup', 'reduce', 'count', 'settle', 'select', 'finalize', 'report'].map((s) => `lib/pipeline/${s}.ts`);

/**
 * The runner (lib/runner): what runs the stages (runStage and the resume protocol it wraps each declared unit in, the
 * phases, the local runner, its worker threads and progress display, the failure record, `proxysel select`'s re-run),
 * and the stage registry the runner calls them through. A stage never imports one of these: it is called, it calls
 * nothing back.
 */
const RUNNER = [
  'lib/pipeline/stages.ts',
  ...['run-stage.ts', 'markers.ts', 'run-phases.ts', 'local-runner.ts', 'worker-pool.ts', 'stage-worker.ts', 'stage-worker-boot.mjs', 'progress-display.ts', 'run-failure.ts', 'reselect.ts', 'index.ts'].map((f) => `lib/runner/${f}`),
];

/** The module a file is part of for the cycle check: its folder, or itself for lib's single-file modules (lib/errors.ts). */
function moduleOf(file: string): string {
  return /^lib\/[^/]+\.(ts|mjs|js)$/.test(file) ? file : folderOf(file);
}

/** The strongly connected groups (more than one module) of a graph, by Tarjan's algorithm, each sorted. */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}

describe('the module structure', () => {
  it('finds the code it checks', () => {
    expect(CODE.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
  });

  it("imports another folder only through its index.ts (lib/, functions/, cdk/, bin/)", () => {
    const deep = edges.filter((e) => folderOf(e.from) !== folderOf(e.to) && !isPublicFile(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(deep).toEqual([]);
  });

  it('keeps the stages apart: no stage module imports another', () => {
    const crossed = edges.filter((e) => STAGES.includes(e.from) && STAGES.includes(e.to) && e.from !== e.to).map((e) => `${e.from} -> ${e.to}`);
    expect(crossed).toEqual([]);
  });

  it('keeps the stage registry light: it imports no stage module but for types', () => {
    const text = readFileSync(join(ROOT, 'lib/pipeline/stages.ts'), 'utf8');
    const valueImports = [...text.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'/gm)].map((m) => m[1]!);
    expect(valueImports.filter((s) => STAGES.includes(`lib/pipeline/${s.replace('./', '')}`))).toEqual([]);
    expect(valueImports.length).toBeGreaterThan(0);
  });

  it('has no import cycle between folders (type-only imports count too)', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      const [a, b] = [moduleOf(e.from), moduleOf(e.to)];
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    // Each cycle with the imports that close it, so a failure says which import to cut.
    const cycles = cyclesOf(graph).map((group) => ({
      folders: group,
      imports: edges.filter((e) => moduleOf(e.from) !== moduleOf(e.to) && group.includes(moduleOf(e.from)) && group.includes(moduleOf(e.to))).map((e) => `${e.from} -> ${e.to}`),
    }));
    expect(cycles).toEqual([]);
  });

  it('no stage imports the runner (registry, runStage, resume protocol, phases, local runner, worker threads, progress, failure record, reselect)', () => {
    for (const f of [...STAGES, ...RUNNER]) expect(CODE, f).toContain(f);
    const up = edges.filter((e) => STAGES.includes(e.from) && (RUNNER.includes(e.to) || e.to.startsWith('lib/runner/') || e.to === 'lib/pipeline/index.ts')).map((e) => `${e.from} -> ${e.to}`);
    expect(up).toEqual([]);
  });

  it('lets neither the run files (lib/run) nor the report (lib/report) depend on the pipeline or the runner', () => {
    const back = edges.filter((e) => /^lib\/(run|report)\//.test(e.from) && /^lib\/(pipeline|runner)\//.test(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(back).toEqual([]);
  });

  it('never imports examples/ or test/ from the code, nor test/ from the benchmarks', () => {
    const bench = sources('bench').flatMap((from) => importsOf(from).map((to) => ({ from, to })));
    const wrong = [...edges, ...bench].filter((e) => /^(examples|test)\//.test(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });
});
