import { describe, expect, it } from 'vitest';
import {
  CostInputError,
  DEFAULT_PRICES,
  LAMBDA_MB_PER_VCPU,
  S3_DEDUP_PUTS_PER_ITEM,
  S3_GETS_PER_INVOCATION,
  S3_PUTS_PER_ITEM,
  estimateCost,
  formatEstimate,
  type CostInput,
} from '../../lib/cost/index.ts';

const base: CostInput = {
  corpusBytes: 10e12,
  compressionRatio: 3,
  docBytes: 2000,
  tokensPerByte: 0.25,
  scorerBytesPerCoreSecond: 50e6,
  shardBytes: 250e6,
  lambdaMemoryMb: LAMBDA_MB_PER_VCPU,
  concurrency: 1000,
  sampleDocs: 20000,
  gpuTokensPerSecond: 10000,
};

describe('estimateCost', () => {
  it('derives GB-seconds from the uncompressed bytes, the per-core throughput and the memory size', () => {
    const e = estimateCost(base);
    // 30 TB uncompressed at 50 MB/s = 600,000 s; at 1769 MB that is 600,000 * 1769/1024 GB-s.
    expect(e.corpus.uncompressedBytes).toBe(30e12);
    expect(e.scoring.lambdaSeconds).toBeCloseTo(600_000, 6);
    expect(e.scoring.gbSeconds).toBeCloseTo((600_000 * LAMBDA_MB_PER_VCPU) / 1024, 3);
    expect(e.scoring.cost.lambdaCompute).toBeCloseTo(e.scoring.gbSeconds * DEFAULT_PRICES.lambdaGbSecond, 9);
  });

  it('counts work items, invocations, transitions and S3 requests per item', () => {
    const e = estimateCost({ ...base, itemsPerInvocation: 4, transitionsPerInvocation: 3 });
    expect(e.scoring.workItems).toBe(40_000);
    expect(e.scoring.invocations).toBe(10_000);
    expect(e.scoring.transitions).toBe(30_000);
    expect(e.scoring.s3Gets).toBe(40_000 + 10_000 * S3_GETS_PER_INVOCATION);
    expect(e.scoring.s3Puts).toBe(40_000 * (S3_PUTS_PER_ITEM + S3_DEDUP_PUTS_PER_ITEM));
    expect(estimateCost({ ...base, itemsPerInvocation: 4, dedupKind: 'none' }).scoring.s3Puts).toBe(40_000 * S3_PUTS_PER_ITEM);
    expect(e.scoring.cost.total).toBeCloseTo(
      e.scoring.cost.lambdaCompute + e.scoring.cost.lambdaRequests + e.scoring.cost.stepFunctions + e.scoring.cost.s3Requests,
      9,
    );
  });

  it('gives a Lambda below one vCPU a proportional share of the throughput, and no more than one core above it', () => {
    const half = estimateCost({ ...base, lambdaMemoryMb: 884 });
    const big = estimateCost({ ...base, lambdaMemoryMb: 4096 });
    expect(half.scoring.bytesPerSecondPerLambda).toBeCloseTo((50e6 * 884) / LAMBDA_MB_PER_VCPU, 3);
    expect(big.scoring.bytesPerSecondPerLambda).toBe(50e6);
    // Same work, more memory: more GB-seconds, so a bigger bill.
    expect(big.scoring.gbSeconds).toBeGreaterThan(estimateCost(base).scoring.gbSeconds);
  });

  it('prices the reference pass from the sample tokens and the GPU throughput', () => {
    const e = estimateCost(base);
    // 20,000 docs * 2000 bytes * 0.25 = 1e7 tokens; at 1e4 tokens/s = 1000 s.
    expect(e.reference.tokens).toBe(1e7);
    expect(e.reference.gpuHours).toBeCloseTo(1000 / 3600, 9);
    expect(e.reference.cost).toBeCloseTo((1000 / 3600) * DEFAULT_PRICES.gpuHour, 9);
  });

  it('compares against the large model on every token of the corpus', () => {
    const e = estimateCost(base);
    expect(e.largeModelEverything.gpuHours).toBeCloseTo(7.5e12 / 1e4 / 3600, 3);
    expect(e.largeModelEverything.ratio).toBeCloseTo(e.largeModelEverything.cost / e.totalCost, 9);
    expect(e.largeModelEverything.ratio).toBeGreaterThan(100);
  });

  it('caps the sample at the corpus size for tiny corpora', () => {
    const e = estimateCost({ ...base, corpusBytes: 1e6, sampleDocs: 20000 });
    expect(e.reference.docs).toBe(1500); // 3 MB / 2000 bytes
    expect(e.scoring.workItems).toBe(1);
  });

  it('uses price overrides', () => {
    const e = estimateCost({ ...base, prices: { lambdaGbSecond: 1e-5, gpuHour: 2 } });
    expect(e.scoring.cost.lambdaCompute).toBeCloseTo(e.scoring.gbSeconds * 1e-5, 6);
    expect(e.reference.cost).toBeCloseTo(e.reference.gpuHours * 2, 9);
    expect(e.input.prices.s3Get).toBe(DEFAULT_PRICES.s3Get);
  });

  it('warns when an invocation would exceed the 15-minute Lambda limit', () => {
    expect(estimateCost(base).scoring.warnings).toEqual([]);
    const slow = estimateCost({ ...base, scorerBytesPerCoreSecond: 0.5e6 });
    expect(slow.scoring.warnings[0]).toMatch(/over Lambda's 900 s limit/);
  });

  it('scales wall time with waves of concurrent invocations', () => {
    const a = estimateCost({ ...base, concurrency: 1000 });
    const b = estimateCost({ ...base, concurrency: 500 });
    expect(b.scoring.wallSeconds).toBeCloseTo(2 * a.scoring.wallSeconds, 6);
  });

  it('rejects bad input naming the field', () => {
    expect(() => estimateCost({ ...base, corpusBytes: -1 })).toThrow(CostInputError);
    expect(() => estimateCost({ ...base, corpusBytes: -1 })).toThrow(/corpusBytes/);
    expect(() => estimateCost({ ...base, lambdaMemoryMb: 20000 })).toThrow(/lambdaMemoryMb/);
    expect(() => estimateCost({ ...base, prices: { gpuHour: 0 } })).toThrow(/prices\.gpuHour/);
    expect(() => estimateCost({ ...base, surprise: 1 } as CostInput)).toThrow(CostInputError);
  });

  it('prints every line item with the stated memory size and prices', () => {
    const text = formatEstimate(estimateCost(base), 'test');
    expect(text).toContain('10.0 TB stored');
    expect(text).toContain(`${LAMBDA_MB_PER_VCPU} MB = 1.00 vCPU`);
    expect(text).toMatch(/Lambda compute\s+[\d,]+ GB-s x \$0\.0000166667\/GB-s/);
    expect(text).toMatch(/Step Functions\s+[\d,]+ transitions/);
    expect(text).toMatch(/S3 requests\s+[\d,]+ GET/);
    expect(text).toMatch(/GPU-hours/);
    expect(text).toContain('2026');
  });
});

describe('the dedup stage in the estimate', () => {
  it('prices the plan\'s layout of partitions and gather groups, its records by kind, and adds the stages to the total', () => {
    const base = { corpusBytes: 100e9, compressionRatio: 2, docBytes: 2000 };
    const none = estimateCost({ ...base, dedupKind: 'none' });
    const exact = estimateCost({ ...base, dedupKind: 'exact' });
    const minhash = estimateCost({ ...base, dedupKind: 'minhash', dedupBands: 14, minhashScorerBytesPerCoreSecond: 5e6 });
    expect(none.dedup.cost.total).toBe(0);
    // The plan's formula (lib/dedup/layout.ts): 16 GiB of stored corpus per partition and per group, per record per document.
    const items = exact.scoring.workItems;
    expect(exact.dedup.partitions).toBe(Math.max(4, Math.ceil(100e9 / (16 * 2 ** 30))));
    expect(exact.dedup.groups).toBe(Math.ceil(items / Math.floor((16 * 2 ** 30) / (100e9 / items))));
    expect(minhash.dedup.partitions).toBe(Math.ceil((15 * 100e9) / (16 * 2 ** 30)));
    // S3 requests grow with items + groups x partitions: far below the items x partitions of one read per item and partition.
    const { partitions: P, groups: G } = exact.dedup;
    expect(exact.dedup.s3Gets).toBeGreaterThan(2 * G * P + items);
    expect(exact.dedup.s3Gets).toBeLessThan(2 * G * P + 6 * items + 4 * (G + P) + 20);
    expect(exact.dedup.s3Gets).toBeLessThan(P * items);
    expect(exact.dedup.records).toBeCloseTo(1e8, 3);
    expect(minhash.dedup.records).toBeCloseTo(15e8, 3);
    expect(minhash.dedup.gbSeconds).toBeGreaterThan(exact.dedup.gbSeconds);
    // Deduplicating adds its stages, and the score stage's two more files per item (signatures, band keys).
    const extraPuts = exact.scoring.workItems * S3_DEDUP_PUTS_PER_ITEM * DEFAULT_PRICES.s3Put;
    expect(exact.totalCost).toBeCloseTo(none.totalCost + exact.dedup.cost.total + extraPuts, 9);
    // With the bench's two exact rates, records and duplicate pairs are priced apart.
    const split = estimateCost({ ...base, dedupKind: 'exact', exactDedupRecordsPerCoreSecond: 2e6, exactDedupPairsPerCoreSecond: 1e5, duplicateShare: 0.2, dedupLambdaMemoryMb: 1769 });
    expect(split.dedup.lambdaSeconds).toBeCloseTo(split.dedup.records / 2e6 + (0.2 * split.corpus.docs) / 1e5, 3);
    // MinHash signatures slow the score stage by the measured ratio.
    expect(minhash.scoring.lambdaSeconds).toBeGreaterThan(exact.scoring.lambdaSeconds);
  });
});
