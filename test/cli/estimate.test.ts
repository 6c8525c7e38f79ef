import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCommand } from '../../lib/cli/index.ts';
import { CostInputError } from '../../lib/cost/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxysel-cost-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const throughput = (bytesPerCoreSecond: number) => ({
  version: 1,
  measuredAt: '2026-11-25T00:00:00.000Z',
  corpus: { compressionRatio: 2, meanDocBytes: 1000 },
  scorer: { bytesPerCoreSecond },
});

describe('proxysel estimate', () => {
  it('reads the scorer throughput from a bench result file', async () => {
    const file = join(dir, 'throughput.json');
    await writeFile(file, JSON.stringify(throughput(100e6)));
    const out = await estimateCommand(['--corpus-bytes', '1TB', '--throughput', file, '--lambda-memory-mb', '1769']);
    expect(out).toContain('scorer: 100 MB/s per core (measured 2026-11-25');
    expect(out).toContain('2.0 TB uncompressed (x2.00)');
    // 2e12 bytes at 1e8 B/s = 20,000 Lambda-seconds at 1769 MB.
    expect(out).toMatch(/Lambda compute\s+34,551 GB-s/);
  });

  it('lets flags override the measured throughput and the prices', async () => {
    const file = join(dir, 'throughput.json');
    await writeFile(file, JSON.stringify(throughput(100e6)));
    const out = await estimateCommand(['--corpus-bytes', '1TB', '--throughput', file, '--scorer-mbps', '50', '--price-gpu-hour', '2', '--lambda-memory-mb', '3538']);
    expect(out).toContain('scorer: 50.0 MB/s per core (--scorer-mbps)');
    expect(out).toContain('3538 MB = 2.00 vCPU');
    expect(out).toContain('at $2.00/GPU-hour');
  });

  it('reads the shards under a corpus location (not other files) for its documents and bytes', async () => {
    const corpus = join(dir, 'corpus');
    await mkdir(corpus, { recursive: true });
    const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${prefix}${i}`, text: `document ${i} `.repeat(40) })).join('\n') + '\n';
    await writeFile(join(corpus, 'part-0.jsonl.gz'), gzipSync(lines(300, 'a')));
    await writeFile(join(corpus, 'part-1.jsonl'), lines(200, 'b'));
    await writeFile(join(corpus, 'README.txt'), 'not a shard');
    const out = await estimateCommand(['--corpus', corpus, '--scorer-mbps', '10']);
    expect(out).toMatch(/sampled .*: 2 of 2 shard\(s\).*read whole: 500 documents/);
    expect(out).toMatch(/~500 documents of/);
  });

  it('explains what is missing or malformed', async () => {
    await expect(estimateCommand([])).rejects.toThrow(/give --corpus-bytes/);
    await expect(estimateCommand(['--corpus-bytes', 'lots'])).rejects.toThrow(CostInputError);
    await expect(estimateCommand(['--corpus-bytes', '1TB', '--concurrency', 'many'])).rejects.toThrow(/--concurrency: "many" is not a number/);
    await expect(estimateCommand(['--corpus-bytes', '1TB', '--bogus', '1'])).rejects.toThrow(/Unknown option/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ version: 1, measuredAt: 'x', corpus: {}, scorer: {} }));
    await expect(estimateCommand(['--corpus-bytes', '1TB', '--throughput', bad])).rejects.toThrow(/bad\.json: not a valid throughput file \(.*scorer\.bytesPerCoreSecond/);
    await expect(estimateCommand(['--corpus-bytes', '1TB', '--throughput', join(dir, 'missing.json')])).rejects.toThrow(/file not found/);
  });
});
