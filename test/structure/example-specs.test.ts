/**
 * Every job spec a user may copy validates: the JSON blocks of README.md, examples/README.md and docs/ that are job
 * specs (they have a name and a corpus), and examples/*.json. `<Bucket>` placeholders are filled with a bucket name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJobSpec } from '../../lib/job/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function specBlocks(file: string): { where: string; text: string }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: { where: string; text: string }[] = [];
  for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
    const line = text.slice(0, m.index).split('\n').length + 1;
    if (/"name"/.test(m[1]!) && /"corpus"/.test(m[1]!)) out.push({ where: `${file}:${line}`, text: m[1]! });
  }
  return out;
}

const markdown = ['README.md', 'examples/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const blocks = markdown.flatMap(specBlocks);
const files = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ where: `examples/${f}`, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }));

describe('the example job specs', () => {
  it('are found: the README holds the local, the AWS and the full spec', () => {
    expect(blocks.filter((b) => b.where.startsWith('README.md:')).length).toBeGreaterThanOrEqual(3);
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each([...blocks, ...files].map((b) => [b.where, b.text] as const))('%s validates', (where, text) => {
    const json: unknown = JSON.parse(text.replaceAll('<Bucket>', 'proxysel-data-123'));
    expect(() => parseJobSpec(json, where)).not.toThrow();
  });
});
