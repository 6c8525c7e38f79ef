/**
 * The peer: fastText supervised classifiers (the kind DCLM's quality filter uses) trained on the same labelled sample
 * as the proxy, with the reference model's losses bucketed into quartile labels, and `fasttext predict` timed on the
 * bench corpus's texts (one per line) with /usr/bin/time -v (CPU time, peak RSS). Model loading is timed on a one-line
 * input and subtracted, so the numbers are the predict itself.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';

/** Timing of one child process, from /usr/bin/time -v. */
export interface ChildTiming {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Installs fasttext with apt-get when it is missing; returns false when it cannot be had. */
export function ensureFasttext(log: (line: string) => void): boolean {
  if (spawnSync('sh', ['-c', 'command -v fasttext'], { stdio: 'ignore' }).status === 0) return true;
  log('fasttext: not installed; apt-get install -y fasttext ...');
  const r = spawnSync('sh', ['-c', 'apt-get install -y fasttext || (apt-get update && apt-get install -y fasttext)'], { stdio: 'ignore' });
  return r.status === 0 && spawnSync('sh', ['-c', 'command -v fasttext'], { stdio: 'ignore' }).status === 0;
}

/** Runs a command under /usr/bin/time -v, stdout discarded; throws with its stderr when it fails. */
export function timed(cmd: string, args: string[]): ChildTiming {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${err.slice(-2000)}`);
  const field = (name: string) => {
    const m = new RegExp(`${name}(?: \\([^)]*\\))?:\\s*([0-9.:]+)`).exec(err);
    if (!m) throw new Error(`/usr/bin/time output has no "${name}"`);
    return m[1]!;
  };
  const wall = field('Elapsed \\(wall clock\\) time')
    .split(':')
    .reduce((a, p) => a * 60 + Number(p), 0);
  return {
    wallSeconds: wall,
    cpuSeconds: Number(field('User time')) + Number(field('System time')),
    peakRssBytes: Number(field('Maximum resident set size')) * 1024,
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

async function gunzipLines(path: string, onLine: (line: string) => void): Promise<void> {
  let carry = '';
  for await (const chunk of createReadStream(path).pipe(createGunzip())) {
    const text = carry + (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    carry = lines.pop()!;
    for (const l of lines) if (l) onLine(l);
  }
  if (carry) onLine(carry);
}

/** Writes the training file: each sample text with the quartile label of its reference loss. Returns the label count. */
export async function writeTrainingFile(fitDir: string, out: string): Promise<number> {
  const texts = new Map<string, string>();
  // The sample stage writes one part per work item (sample/part-NNNNN.jsonl.gz).
  for (const f of (await readdir(join(fitDir, 'sample'))).filter((n) => n.endsWith('.jsonl.gz')).sort()) {
    await gunzipLines(join(fitDir, 'sample', f), (l) => {
      const r = JSON.parse(l) as { id: string; text: string };
      texts.set(r.id, r.text);
    });
  }
  const labels: Array<{ id: string; loss: number }> = [];
  await gunzipLines(join(fitDir, 'reference', 'labels.jsonl.gz'), (l) => {
    const r = JSON.parse(l) as { id: string; loss: number; tokens: number };
    if (r.tokens > 0 && Number.isFinite(r.loss)) labels.push({ id: r.id, loss: r.loss });
  });
  const sorted = labels.map((l) => l.loss).sort((a, b) => a - b);
  const cut = [0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * (sorted.length - 1))]!);
  const lines = labels.map((l) => {
    const bucket = cut.filter((c) => l.loss > c).length;
    return `__label__q${bucket} ${oneLine(texts.get(l.id) ?? '')}`;
  });
  await writeFile(out, lines.join('\n') + '\n');
  return labels.length;
}

/** Writes the texts of the shards, one per line (cached when `out` exists with the expected marker). */
export async function writePredictInput(shards: string[], out: string): Promise<{ docs: number; bytes: number }> {
  const marker = `${out}.done.json`;
  if (existsSync(marker) && existsSync(out)) {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { shards: string[]; docs: number; bytes: number };
    if (JSON.stringify(m.shards) === JSON.stringify(shards) && (await stat(out)).size === m.bytes) return m;
  }
  const ws = createWriteStream(out);
  let docs = 0;
  let bytes = 0;
  for (const s of shards) {
    let buf = '';
    const pending: string[] = [];
    await gunzipLines(s, (l) => {
      const r = JSON.parse(l) as { text: string };
      buf += oneLine(r.text) + '\n';
      docs++;
      if (buf.length > 1 << 20) {
        pending.push(buf);
        buf = '';
      }
    });
    pending.push(buf);
    for (const p of pending) {
      bytes += Buffer.byteLength(p);
      if (!ws.write(p)) await once(ws, 'drain');
    }
  }
  ws.end();
  await once(ws, 'close');
  await writeFile(marker, JSON.stringify({ shards, docs, bytes }));
  return { docs, bytes };
}

/** Trains a supervised model of dimension `dim` (word bigrams, as DCLM's classifier) into `<prefix>.bin`. */
export function trainFasttext(trainFile: string, prefix: string, dim: number): void {
  if (existsSync(`${prefix}.bin`)) return;
  const r = spawnSync('fasttext', ['supervised', '-input', trainFile, '-output', prefix, '-dim', String(dim), '-wordNgrams', '2', '-epoch', '5', '-minCount', '1', '-thread', '2', '-seed', '1'], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`fasttext supervised (dim ${dim}) failed with status ${r.status}`);
}

/** Times `fasttext predict` over `input`, minus the model load (timed on a one-line input). */
export async function timePredict(model: string, input: string, oneLineInput: string): Promise<ChildTiming & { loadSeconds: number }> {
  const load = timed('fasttext', ['predict', model, oneLineInput]);
  const full = timed('fasttext', ['predict', model, input]);
  return {
    wallSeconds: Math.max(1e-3, full.wallSeconds - load.wallSeconds),
    cpuSeconds: Math.max(1e-3, full.cpuSeconds - load.cpuSeconds),
    peakRssBytes: full.peakRssBytes,
    loadSeconds: load.wallSeconds,
  };
}
