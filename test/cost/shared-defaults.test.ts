/**
 * One set of defaults: what `proxysel estimate` prices is what the spec and the stack run (sample size, items per
 * score invocation, the score and dedup functions' memory, Distributed Map concurrency, work item size); and
 * `estimate --corpus` reads a corpus's shards instead of guessing from its size.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planWorkItems, readDocs } from '../../lib/corpus/index.ts';
import { estimateCommand } from '../../lib/cli/index.ts';
import { costInputSchema, sampleCorpus, spreadIndices } from '../../lib/cost/index.ts';
import { buildDemoCorpus } from '../../lib/demo/index.ts';
import { parseJobSpec } from '../../lib/job/index.ts';
import { createTokenCounter } from '../../lib/reference/index.ts';
import { createStore } from '../../lib/store/index.ts';
import { resolvedDefinition, synthStack } from '../cdk/synth.ts';

describe('the defaults of the spec, the estimate and the stack', () => {
  it('agree: sample docs, items per score invocation, score and dedup memory, concurrency, work item bytes', async () => {
    const spec = parseJobSpec({ name: 'x', corpus: { uri: 'c/' }, output: 'o/', budget: { tokens: 5 }, reference: { kind: 'ngram', text: 'r.txt' } });
    const estimate = costInputSchema.parse({ corpusBytes: 1e12 });
    expect(estimate.sampleDocs).toBe(spec.sample.docs);
    expect(estimate.shardBytes).toBe(spec.corpus.maxItemBytes);

    const { template } = synthStack();
    const asl = resolvedDefinition(template) as { States: Record<string, { ItemBatcher?: { MaxItemsPerBatch: number }; MaxConcurrency?: number }> };
    expect(asl.States.ScoreMap!.ItemBatcher!.MaxItemsPerBatch).toBe(estimate.itemsPerInvocation);
    expect(asl.States.ScoreMap!.MaxConcurrency).toBe(estimate.concurrency);
    const memoryOf = (stage: string): number => {
      const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { STAGE: stage } } } });
      const sizes = Object.values(fns).map((f) => (f as { Properties: { MemorySize: number } }).Properties.MemorySize);
      expect(sizes, `the ${stage} function`).toHaveLength(1);
      return sizes[0]!;
    };
    expect(memoryOf('score')).toBe(estimate.lambdaMemoryMb);
    expect(memoryOf('dedup')).toBe(estimate.dedupLambdaMemoryMb);
  });
});

describe('proxysel estimate --corpus', () => {
  let root: string;
  let corpus: string;
  let real: { docs: number; tokens: number };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'proxysel-estimate-'));
    await buildDemoCorpus(join(root, 'demo'), { scale: 0.05 });
    corpus = join(root, 'demo', 'corpus');
    // The real figures: every document read, its tokens counted with the demo reference's tokenizer.
    const store = createStore();
    const counter = await createTokenCounter({ kind: 'ngram', text: 'unused', order: 3 } as never, { store });
    real = { docs: 0, tokens: 0 };
    for (const item of planWorkItems(await store.list(corpus), { maxItemBytes: Number.MAX_SAFE_INTEGER })) {
      for await (const batch of readDocs(store, item, { textField: 'text', onBadRecord: 'skip' })) {
        for (const doc of batch) {
          real.docs += 1;
          real.tokens += counter.count(doc.text);
        }
      }
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('spreads the shards it reads over the listing', () => {
    expect(spreadIndices(10, 3)).toEqual([1, 5, 8]);
    expect(spreadIndices(2, 5)).toEqual([0, 1]);
  });

  it('reading a third of the shards, is within 15% of the real documents and tokens', async () => {
    const store = createStore();
    const counter = await createTokenCounter({ kind: 'ngram', text: 'unused', order: 3 } as never, { store });
    const s = await sampleCorpus(corpus, { store, textField: 'text', countTokens: (t) => counter.count(t), maxShards: 3 });
    expect(s.sampledShards).toBeLessThan(s.shards);
    expect(Math.abs(s.estimated.docs / real.docs - 1)).toBeLessThan(0.15);
    expect(Math.abs(s.estimated.tokens / real.tokens - 1)).toBeLessThan(0.15);
  });

  it('with --spec counts tokens with the reference tokenizer and prices the spec sample', async () => {
    const spec = join(root, 'demo', 'job.json');
    await writeFile(
      spec,
      JSON.stringify({ name: 'd', corpus: { uri: 'corpus/' }, output: join(root, 'out'), budget: { fraction: 0.25 }, sample: { docs: 300 }, reference: { kind: 'ngram', text: 'reference/brown-heldout.txt' } }),
    );
    const out = await estimateCommand(['--spec', spec]);
    const docs = Number(/~([\d,]+) documents of/.exec(out)![1]!.replace(/,/g, ''));
    const tokens = Number(/documents of [^,]+, ~([\d,]+) tokens/.exec(out)![1]!.replace(/,/g, ''));
    expect(Math.abs(docs / real.docs - 1)).toBeLessThan(0.15);
    expect(Math.abs(tokens / real.tokens - 1)).toBeLessThan(0.15);
    expect(out).toMatch(/ngram word tokenizer/);
    expect(out).toMatch(/reference pass .*\n\s+300 documents/);
  });
});
