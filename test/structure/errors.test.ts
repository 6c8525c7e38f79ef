/**
 * The named errors' conventions (lib/errors.ts): one root per folder deriving from ProxyselError, every class named
 * `...Error` with its name set one way (a `readonly name` field), and the bad-input mark a field, not a class.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(e.name)) out.push(path);
  }
  return out;
}

/** lib/<name> or functions/<name> (lib/reference/onnx belongs to lib/reference), as the import rules count folders. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

interface ErrorClass {
  file: string;
  name: string;
  base: string;
  body: string;
}

/** Every class deriving from an ...Error class in lib/ and functions/, with the text up to the next class. */
const classes: ErrorClass[] = ['lib', 'functions'].flatMap(sources).flatMap((file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [...text.matchAll(/^export (?:abstract )?class (\w+) extends (\w+)/gm)];
  return found
    .map((m, i) => ({ file, name: m[1]!, base: m[2]!, body: text.slice(m.index, found[i + 1]?.index ?? text.length) }))
    .filter((c) => /Error$/.test(c.base));
});

describe('the named errors', () => {
  it('are found', () => {
    expect(classes.length).toBeGreaterThan(40);
  });

  it('all derive from ProxyselError (lib/errors.ts), through their folder’s root or as it', () => {
    const byName = new Map(classes.map((c) => [c.name, c]));
    const stray = classes.filter((c) => c.name !== 'ProxyselError').filter((c) => {
      let at: ErrorClass | undefined = c;
      while (at && at.base !== 'ProxyselError') at = byName.get(at.base);
      return at === undefined;
    });
    expect(stray.map((c) => `${c.file}: ${c.name} extends ${c.base}`)).toEqual([]);
  });

  it('have one root per folder, and a class derives only from its own folder’s root', () => {
    const roots = classes.filter((c) => c.base === 'ProxyselError');
    const rootsByFolder = new Map<string, string[]>();
    for (const r of roots) rootsByFolder.set(folderOf(r.file), [...(rootsByFolder.get(folderOf(r.file)) ?? []), r.name]);
    expect([...rootsByFolder].filter(([, names]) => names.length > 1)).toEqual([]);
    const foreign = classes.filter((c) => c.base !== 'ProxyselError' && c.name !== 'ProxyselError' && rootsByFolder.get(folderOf(c.file)) === undefined);
    expect(foreign.map((c) => `${c.file}: ${c.name}`)).toEqual([]);
    const crossing = classes.filter((c) => {
      const base = classes.find((b) => b.name === c.base);
      return base !== undefined && c.base !== 'ProxyselError' && folderOf(base.file) !== folderOf(c.file);
    });
    expect(crossing.map((c) => `${c.file}: ${c.name} extends ${c.base}`)).toEqual([]);
  });

  it('are named ...Error, set once as a readonly field (its own class name when it is a literal), never by this.name =', () => {
    const wrong = classes.filter((c) => {
      if (!/Error$/.test(c.name)) return true;
      if (/this\.name = '/.test(c.body)) return true;
      if (/^export abstract class/.test(c.body)) return false;
      const literal = /override readonly name(?:: string)? = '(\w+)'/.exec(c.body)?.[1];
      if (literal !== undefined) return literal !== c.name;
      return !/override readonly name(?:: string)?;/.test(c.body) && !/override readonly name = RUN_LOCK_BUSY/.test(c.body);
    });
    expect(wrong.map((c) => `${c.file}: ${c.name}`)).toEqual([]);
  });
});
