/**
 * One set of defaults for the spec, `proxysel estimate` and the cloud stack, so the estimate prices the run the spec
 * and the stack would make (test/cost/shared-defaults.test.ts holds them together).
 *
 * The spec's defaults are read from its own schema (spec.ts stays their one source); the stack's are declared here
 * and read by cdk/ (the state machine's ItemBatcher and concurrency, the score function's memory) and lib/cost.
 */
import { corpusSchema, sampleSchema } from './spec.ts';

/** Defaults of the job spec that the estimate needs. */
export const SPEC_DEFAULTS = {
  /** `sample.docs`: documents the reference (large) model labels. */
  sampleDocs: sampleSchema.parse({}).docs,
  /** `corpus.maxItemBytes`: the largest work item an uncompressed shard is cut into. */
  maxItemBytes: corpusSchema.shape.maxItemBytes.parse(undefined) as number,
} as const;

/** Defaults of the cloud stack (cdk/) that the estimate prices; each is a context value at deploy (docs/cloud.md). */
export const CLOUD_DEFAULTS = {
  /** Concurrent children of each Distributed Map (`proxysel:maxConcurrency`). */
  maxConcurrency: 1000,
  /** Work items per score invocation: the score map's ItemBatcher (`proxysel:scoreItemsPerBatch`). */
  scoreItemsPerBatch: 4,
  /** Memory of the score function, MB (vCPUs scale as memory / 1769 MB). */
  scoreMemoryMb: 1769,
  /** Memory of the dedup partition function, MB. */
  dedupMemoryMb: 2048,
} as const;
