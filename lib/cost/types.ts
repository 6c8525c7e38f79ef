import type { z } from 'zod';
import type { costInputSchema, throughputFileSchema } from './schema.ts';

/** What the cost model takes (see costInputSchema for the fields, units and defaults). */
export type CostInput = z.input<typeof costInputSchema>;
/** The input with every default filled in. */
export type ResolvedCostInput = z.output<typeof costInputSchema>;
/** bench/results/throughput.json, as the bench writes it. */
export type ThroughputFile = z.output<typeof throughputFileSchema>;

/** Money, in USD, by line item. */
export interface CostLines {
  lambdaCompute: number;
  lambdaRequests: number;
  stepFunctions: number;
  s3Requests: number;
  total: number;
}

/** The estimate: every quantity the printout shows, in plain units. */
export interface CostEstimate {
  input: ResolvedCostInput;
  corpus: {
    /** Bytes as stored (compressed). */
    storedBytes: number;
    /** Uncompressed JSONL bytes the scorer reads. */
    uncompressedBytes: number;
    docs: number;
    /** Reference-model tokens (uncompressed bytes x tokens per byte). */
    tokens: number;
  };
  scoring: {
    workItems: number;
    invocations: number;
    /** Scorer throughput in one Lambda (uncompressed bytes/s): per-core throughput x min(1, vCPUs). */
    bytesPerSecondPerLambda: number;
    /** Lambda vCPUs at the chosen memory size (memory / 1769 MB). */
    vcpus: number;
    secondsPerItem: number;
    /** Sum of Lambda durations. */
    lambdaSeconds: number;
    gbSeconds: number;
    /** Wall-clock time with `concurrency` Lambdas at once. */
    wallSeconds: number;
    transitions: number;
    s3Gets: number;
    s3Puts: number;
    cost: CostLines;
    /** Set when one item would run longer than Lambda's 15-minute limit. */
    warnings: string[];
  };
  /** The dedup stage: partitions of band keys, each a Lambda sorting and verifying its records. */
  dedup: {
    kind: 'none' | 'exact' | 'minhash';
    partitions: number;
    /** Gather groups of work items (the shuffle's first level). */
    groups: number;
    /** Gather groups per merged group (1: no merge). */
    mergeGroups: number;
    /** The shuffle's top level: merged groups (the groups when nothing is merged). */
    merges: number;
    /** Band and exact records over the corpus. */
    records: number;
    lambdaSeconds: number;
    gbSeconds: number;
    wallSeconds: number;
    s3Gets: number;
    s3Puts: number;
    cost: CostLines;
  };
  reference: {
    docs: number;
    tokens: number;
    gpuHours: number;
    cost: number;
  };
  /** Scoring every document with the large model instead of the proxy. */
  largeModelEverything: {
    gpuHours: number;
    cost: number;
    /** largeModelEverything.cost / (scoring total + reference cost). */
    ratio: number;
  };
  /** Proxy path total: scoring + dedup + reference pass. */
  totalCost: number;
}
