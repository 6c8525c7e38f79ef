/**
 * The `proxysel` command as a user meets it: spawned as a process (bin/proxysel.js), its exit status, stdout and
 * stderr read as they would land in a terminal or a log file.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourFor } from '../../lib/cli/index.ts';
import { tinySpec, tinyWorld, type TinyWorld } from '../faults/tiny-job.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'proxysel.js');
const ANSI = /\u001b\[/;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `proxysel args...` with stdout and stderr piped (not a terminal), colour variables cleared unless given. */
function proxysel(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  delete base.PROXYSEL_DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

let world: TinyWorld;
let specPath: string;
let finished: string;
let firstRun: Ran;
beforeAll(async () => {
  world = await tinyWorld();
  finished = join(world.root, 'finished');
  specPath = join(world.root, 'job.json');
  // A budget larger than the corpus and a sample of most of it: both warned of; the tiny proxy's fidelity is low too.
  await writeFile(specPath, JSON.stringify(tinySpec(world, finished, { budget: { tokens: 10_000_000 }, sample: { docs: 250, seed: 3 } })));
  firstRun = await proxysel(['run', specPath, '--quiet', '--workers', '1']);
});
afterAll(async () => {
  await world.cleanup();
});

describe('proxysel --version', () => {
  it("prints the package's version and exits 0", async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await proxysel([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`proxysel ${pkg.version}\n`);
    }
  });
});

describe('numeric options', () => {
  it.each([
    ['run', '--workers', 'abc'],
    ['run', '--workers', '-3'],
    ['demo', '--scale', '0'],
    ['watch', '--interval', 'soon'],
    ['select', '--drop-top', '1.5'],
  ])('%s %s %s is refused with exit 2 and one line naming the flag', async (command, flag, value) => {
    const r = await proxysel([command, command === 'watch' ? world.root : specPath, flag, value]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringContaining(`${flag}: must be`)]);
    expect(r.stderr).toContain(`"${value}"`);
  });

  it('an unknown option is exit 2, not a crash', async () => {
    const r = await proxysel(['run', specPath, '--wrokers', '2']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^proxysel: Unknown option '--wrokers'.*proxysel --help/)]);
  });
});

describe('a failure', () => {
  it('is printed once, on one line, with exit 2 for a text field no record has (named, with the fields records have)', async () => {
    const spec = join(world.root, 'wrong-field.json');
    await writeFile(spec, JSON.stringify(tinySpec(world, join(world.root, 'wrong-field'), { corpus: { uri: world.corpus, textField: 'body' } })));
    const r = await proxysel(['run', spec, '--workers', '0']);
    expect(r.code).toBe(2);
    const failures = lines(r.stderr).filter((l) => /body/.test(l));
    expect(failures).toEqual([expect.stringMatching(/^proxysel: corpus\.textField "body": no record of the corpus has this field .*fields: id, text/)]);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.stderr).not.toMatch(/only 0 labelled documents/);
  });

  it('of the spec names the field and suggests the one meant, exit 2', async () => {
    const spec = join(world.root, 'typo.json');
    const typo = tinySpec(world, join(world.root, 'typo'));
    await writeFile(spec, JSON.stringify({ ...typo, corpus: { uri: world.corpus, textFeild: 'text' }, policy: { kind: 'bnd' } }));
    const r = await proxysel(['validate', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('corpus.textFeild: unknown field; did you mean "textField"?');
    expect(r.stderr).toMatch(/policy\.kind: "bnd" is not allowed: expected one of .*; did you mean "band"\?/);
    expect(r.stderr.match(/^proxysel:/gm)).toHaveLength(1);
  });
});

describe('--quiet and warnings', () => {
  it('hides progress but not the warnings: low fidelity, a sample of most of the corpus, a budget over the corpus', () => {
    expect(firstRun.code).toBe(0);
    const err = lines(firstRun.stderr);
    expect(err.filter((l) => !l.startsWith('warning: '))).toEqual([]);
    expect(firstRun.stderr).toMatch(/warning: PROXY FIDELITY LOW/);
    expect(firstRun.stderr).toMatch(/warning: the reference sample \(sample\.docs 250\) labels \d+ of the corpus's 312 documents/);
    expect(firstRun.stderr).toMatch(/warning: the budget \(10000000 tokens\) is more than the whole corpus holds/);
    expect(firstRun.stdout).toMatch(/^output: /m);
  });
});

describe('colour', () => {
  it('is off when stderr is not a terminal (a budget over the corpus warns), and NO_COLOR wins over FORCE_COLOR', async () => {
    expect(firstRun.stderr).not.toMatch(ANSI);
    const forced = await proxysel(['select', finished, '--budget', 'docs=100000', '--force', '--quiet'], { FORCE_COLOR: '1' });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/\u001b\[33mwarning:\u001b\[0m/);
    const none = await proxysel(['select', finished, '--budget', 'docs=100001', '--force', '--quiet'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(none.code).toBe(0);
    expect(none.stderr + none.stdout).not.toMatch(ANSI);
  });

  it('is on for a terminal unless NO_COLOR is set (to anything but the empty string)', () => {
    expect(colourFor({ isTTY: true }, {})).toBe(true);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourFor({ isTTY: false }, {})).toBe(false);
    expect(colourFor({ isTTY: undefined }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourFor({ isTTY: undefined }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('proxysel select', () => {
  it('keeps the previous selection: refused without --force (exit 2, nothing touched), replaced with it', async () => {
    const files = ['manifest.json', 'report.html', 'threshold.json', '_SUCCESS'];
    const before = await Promise.all(files.map((f) => readFile(join(finished, f), 'utf8')));
    const refused = await proxysel(['select', finished, '--budget', 'docs=7']);
    expect(refused.code).toBe(2);
    expect(lines(refused.stderr)).toEqual([expect.stringMatching(/already holds a selection .*--force/)]);
    expect(await Promise.all(files.map((f) => readFile(join(finished, f), 'utf8')))).toEqual(before);

    const replaced = await proxysel(['select', finished, '--budget', 'docs=7', '--force', '--quiet']);
    expect(replaced.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(finished, 'manifest.json'), 'utf8')) as { selected: { docs: number } };
    expect(manifest.selected.docs).toBe(7);
  });
});
