import { vi } from 'vitest';
import { cli } from '../../lib/cli/index.ts';

/** Runs the CLI as a user would, in this process: its exit code and what it wrote to stderr (stdout is dropped). */
export async function proxyselInProcess(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += chunk.toString()), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await cli(args);
  } finally {
    vi.restoreAllMocks();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, err };
}
