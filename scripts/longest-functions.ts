/**
 * The longest functions of lib/ (or of the folder given), by lines from the declaration's first line to its closing
 * brace: functions, methods, constructors, accessors and arrow functions or function expressions, nested ones counted
 * on their own too (a function's lines include those of the closures inside it). Prints the top N (default 10).
 *
 *   npx tsx scripts/longest-functions.ts [folder] [--top N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

interface FunctionLength {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...sourceFiles(path));
    } else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** What a reader would call the function: its declared name, the variable or property it is assigned to, or `(anonymous)`. */
function nameOf(node: ts.FunctionLikeDeclaration, file: ts.SourceFile): string {
  const own = node.name ? node.name.getText(file) : undefined;
  const owner = (n: ts.Node): string | undefined => {
    for (let p = n.parent; p; p = p.parent) {
      if (ts.isClassDeclaration(p) || ts.isClassExpression(p)) return p.name?.getText(file);
      if (ts.isSourceFile(p)) return undefined;
    }
    return undefined;
  };
  if (ts.isConstructorDeclaration(node)) return `${owner(node) ?? '(class)'}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    const cls = owner(node);
    return cls ? `${cls}.${own}` : own ?? '(method)';
  }
  if (own) return own;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(file);
  if (ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(file).slice(0, 40)})`;
  return '(anonymous)';
}

export function functionLengths(root: string): FunctionLength[] {
  const out: FunctionLength[] = [];
  for (const path of sourceFiles(root)) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const fn = node as ts.FunctionLikeDeclaration;
        const start = file.getLineAndCharacterOfPosition(fn.getStart(file)).line;
        const end = file.getLineAndCharacterOfPosition(fn.getEnd()).line;
        out.push({ file: relative(process.cwd(), path), name: nameOf(fn, file), line: start + 1, lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 10;
  const root = args[0] ?? 'lib';
  for (const f of functionLengths(root).slice(0, top)) console.log(`${String(f.lines).padStart(5)}  ${f.file}:${f.line}  ${f.name}`);
}
