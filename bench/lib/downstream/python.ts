/** Runs the benchmark's torch helper (gpt.py) with Debian's python3, installing python3-torch first when missing. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The system interpreter: Debian's python3-torch is installed for it, not for another python3 on PATH. */
export const PYTHON = '/usr/bin/python3';
export const GPT_SCRIPT = fileURLToPath(new URL('./gpt.py', import.meta.url));
const PACKAGES = ['python3-torch', 'python3-numpy', 'libopenblas0-pthread'];

function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

/** Installs python3-torch, python3-numpy and libopenblas0-pthread with apt-get unless torch already imports. */
export function ensureTorch(log: (line: string) => void): void {
  if (hasTorch()) return;
  log(`installing ${PACKAGES.join(' ')} with apt-get (about 2 minutes) ...`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => {
    const r = spawnSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status})`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', ...PACKAGES]);
  if (!hasTorch()) throw new Error(`${PYTHON} still cannot import torch after installing ${PACKAGES.join(' ')}`);
}

/** Runs `gpt.py <args>` at low priority; its stderr (progress) is passed to `log` line by line. */
export function runGpt(args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // PASSIVE: OpenMP threads sleep at barriers instead of spinning, which on a shared machine wastes most of the CPU.
    const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };
    const child = spawn('nice', ['-n', '10', PYTHON, GPT_SCRIPT, ...args], { stdio: ['ignore', 'inherit', 'pipe'], env });
    let tail = '';
    let buf = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        log(l);
        tail = (tail + l + '\n').slice(-4000);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (buf) log(buf);
      if (code === 0) resolve();
      else reject(new Error(`gpt.py ${args[0]} exited with ${code}:\n${tail}${buf}`));
    });
  });
}
