import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemCountsSchema, runFileSchemaOf, thresholdFileSchema } from '../../lib/run/index.ts';
import { createStore, StoreJsonError, StoreSchemaError } from '../../lib/store/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxysel-run-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const threshold = {
  policy: { kind: 'top', lambda: 0, filters: {}, untrusted: 'exclude', fill: 'ceiling' },
  budget: { form: 'tokens', unit: 'tokens', amount: 100 },
  corpus: { docs: 10, tokens: 1000, excludedDocs: 0, excludedTokens: 0, removedDocs: 0, removedTokens: 0 },
  tokenCount: 'exact',
  threshold: { boundaryBin: 7, cutoff: { hash: 5, item: 'a', row: 2 }, expected: { docs: 3, tokens: 99 }, skipped: [{ hash: 6, item: 'a', row: 4 }] },
  estimateOnly: { threshold: { boundaryBin: 7, cutoff: null, expected: { docs: 2, tokens: 80 } }, tokens: 81 },
  passes: 1,
};

describe('the run files read back through their schemas', () => {
  it('returns a valid file with its keys in the order they were written', async () => {
    const uri = join(dir, 'threshold.json');
    await writeFile(uri, JSON.stringify(threshold));
    const store = createStore();
    const read = await store.readJson(uri, thresholdFileSchema);
    expect(JSON.stringify(read)).toBe(JSON.stringify(threshold));
  });

  it('names the file and the field when a file does not match its schema', async () => {
    const uri = join(dir, 'bad-threshold.json');
    const bad = { ...threshold, threshold: { ...threshold.threshold, cutoff: { hash: 'five', item: 'a', row: 2 } } };
    await writeFile(uri, JSON.stringify(bad));
    const error = await createStore().readJson(uri, thresholdFileSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreSchemaError);
    expect((error as Error).message).toContain(`${uri}: not a valid threshold file: threshold.cutoff.hash:`);
  });

  it('names the element of a list that is wrong', async () => {
    const uri = join(dir, 'counts.json');
    await writeFile(uri, JSON.stringify({ item: 'a', exact: true, certain: { docs: 1, tokens: 2, estimatedTokens: 2 }, region: [[1, 2, 3, 4, 5], [1, 2, 'x', 4, 5]] }));
    await expect(createStore().readJson(uri, itemCountsSchema)).rejects.toThrow(`${uri}: not a valid counts file: region[1][2]:`);
  });

  it('tells a file that is not JSON at all apart from one of the wrong shape', async () => {
    const uri = join(dir, 'truncated.json');
    await writeFile(uri, '{"item": "a", "exa');
    await expect(createStore().readJson(uri, itemCountsSchema)).rejects.toBeInstanceOf(StoreJsonError);
  });

  it('knows the schema of every JSON file a run writes by its key, and of no other file', () => {
    expect(runFileSchemaOf('threshold.json')).toBe(thresholdFileSchema);
    expect(runFileSchemaOf('budget/counts/part-0001.json')).toBe(itemCountsSchema);
    expect(runFileSchemaOf('budget/counts/part-0001.tokens.json')).not.toBe(itemCountsSchema);
    expect(runFileSchemaOf('plan/done/score/part-0001.json')).toBeDefined();
    expect(runFileSchemaOf('selected/part-0001.jsonl.gz')).toBeUndefined();
    expect(runFileSchemaOf('notes.json')).toBeUndefined();
  });
});
