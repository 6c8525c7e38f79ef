/**
 * Throughput of the onnx reference backend on this CPU: tokens scored per second for a causal LM of realistic shape
 * (4 layers, width 256, vocabulary 4096; random weights, built with onnx-proto like the tests' models).
 *
 *   npm run bench:reference [-- --docs 96 --tokens 256 --batch 8 --layers 4 --width 256 --vocab 4096]
 *
 * Use the figure to size the GPU array job: slices = tokens in the sample / (tokens per second per GPU x seconds a
 * child may run); see docs/reference-backends.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { onnxReferenceSchema } from '../lib/job/spec.ts';
import { createOnnxScorer } from '../lib/reference/onnx/index.ts';
import { createStore } from '../lib/store/index.ts';
import { seededRandom, writeTinyModelFolder } from './lib/tiny-causal-lm.ts';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '96' },
    tokens: { type: 'string', default: '256' },
    batch: { type: 'string', default: '8' },
    layers: { type: 'string', default: '4' },
    width: { type: 'string', default: '256' },
    vocab: { type: 'string', default: '4096' },
  },
});
const num = (k: keyof typeof values) => Number(values[k]);

const WORDS =
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their'.split(' ');

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'proxysel-bench-ref-'));
  try {
    await writeTinyModelFolder(join(root, 'model'), {
      merges: 200,
      vocab: num('vocab'),
      width: num('width'),
      layers: num('layers'),
      positionIds: true,
      maxPositions: num('tokens') + 8,
      seed: 1,
    });
    const rand = seededRandom(2);
    // Roughly `tokens` tokens per document (about 2.5 tokens per word with this small tokenizer), lengths varied.
    const texts = Array.from({ length: num('docs') }, () =>
      Array.from({ length: Math.round((num('tokens') / 2.5) * (0.5 + rand())) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' '),
    );
    const spec = onnxReferenceSchema.parse({ kind: 'onnx', model: join(root, 'model'), maxTokens: num('tokens'), batchSize: num('batch') });
    const scorer = await createOnnxScorer(spec, { store: createStore() });
    await scorer.score(texts.slice(0, 2)); // warm-up
    const t0 = performance.now();
    const scores = await scorer.score(texts);
    const seconds = (performance.now() - t0) / 1000;
    await scorer.close();
    const scored = scores.reduce((a, s) => a + Math.min(s.tokens, num('tokens')), 0);
    console.log(`onnx reference backend, CPU (${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores)`);
    console.log(`model: ${num('layers')} layers, width ${num('width')}, vocab ${num('vocab')}; batch ${num('batch')}, maxTokens ${num('tokens')}`);
    console.log(`${texts.length} documents, ${scored} tokens in ${seconds.toFixed(2)} s: ${Math.round(scored / seconds)} tokens/s`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
