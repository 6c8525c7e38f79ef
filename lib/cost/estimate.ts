import { dedupLayout, recordsPerDoc, shuffleRequests } from '../dedup/index.ts';
import { CostInputError } from './errors.ts';
import { costInputSchema } from './schema.ts';
import type { CostEstimate, CostInput, ResolvedCostInput } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** Lambda allocates one vCPU per 1769 MB of memory. */
export const LAMBDA_MB_PER_VCPU = 1769;
/** Lambda's maximum duration, seconds. */
export const LAMBDA_MAX_SECONDS = 900;
/** Memory of the dedup-clusters function (cdk/functions.ts). */
const CLUSTERS_MEMORY_MB = 3008;
/** S3 reads per invocation besides the shards: plan.json, proxy/card.json, proxy/model.onnx, the item's marker. */
export const S3_GETS_PER_INVOCATION = 4;
/** S3 writes per work item: scores parquet, histogram, completion marker (each under the 16 MiB multipart part size). */
export const S3_PUTS_PER_ITEM = 3;
/** S3 writes per work item when deduplicating: the signature and band files besides. */
export const S3_DEDUP_PUTS_PER_ITEM = 2;

/** Bytes of a group file per band record and per exact record (lib/dedup/group-file.ts). */
const GROUP_BAND_BYTES = 12;
const GROUP_EXACT_BYTES = 32;
/**
 * What one dedup-merge Lambda moves per second, its input streams, its upload and the runner's read-back of the output
 * together: an assumption (S3 throughput of one function of 2 GB, a few streams at once), not a measurement; the
 * merge's CPU is a copy (docs/performance.md, "The dedup shuffle").
 */
export const MERGE_BYTES_PER_SECOND = 80e6;

/** Bytes the MinHash clustering holds per verified pair (PairList) and per paired document (SignatureTable, map entry). */
const CLUSTER_BYTES_PER_PAIR = 16;
const CLUSTER_BYTES_PER_DOC = (hashes: number) => 25 + 2 * hashes + 80;

/**
 * The dedup stages as the stack runs them (lib/dedup/layout.ts: the plan's layout and the stages' S3 requests): one
 * gather Lambda per group of items, one per merged group of M groups when the plan merges (each streams its inputs
 * into one file and is read back: three times the bytes at MERGE_BYTES_PER_SECOND), one per partition, one per merged
 * group (or group) again for the removal lists, one summary. Their requests grow with items + G' x partitions each way
 * (G' = ceil(groups / M)); MinHash's clustering's are counted for the worst case,
 * every item holding a duplicate. Compute: every record passes through a gather and a partition at the measured
 * records per CPU-second. Exact deduplication decides each cluster inside its partition; MinHash merges every pair in
 * one clustering call, which `warnings` names when it would not fit a Lambda.
 */
function estimateDedup(input: ResolvedCostInput, docs: number, workItems: number, warnings: string[]): CostEstimate['dedup'] {
  const d = { kind: input.dedupKind, bands: input.dedupBands };
  const layout = dedupLayout(d, input.corpusBytes, workItems);
  if (layout.partitions === 0) {
    return { kind: 'none', partitions: 0, groups: 0, mergeGroups: 0, merges: 0, records: 0, lambdaSeconds: 0, gbSeconds: 0, wallSeconds: 0, s3Gets: 0, s3Puts: 0, cost: { lambdaCompute: 0, lambdaRequests: 0, stepFunctions: 0, s3Requests: 0, total: 0 } };
  }
  const { partitions, groups, mergeGroups, merges } = layout;
  const merging = mergeGroups > 1 ? merges : 0;
  const records = docs * recordsPerDoc(d);
  const vcpus = input.dedupLambdaMemoryMb / LAMBDA_MB_PER_VCPU;
  const pairs = docs * input.duplicateShare;
  // Exact: records through gather and partitions, and the duplicates through the partitions' clusters and the removal
  // lists, at their own measured rates; MinHash (or exact without both rates): every record at the stages' overall rate.
  const split = input.dedupKind === 'exact' && input.exactDedupRecordsPerCoreSecond && input.exactDedupPairsPerCoreSecond;
  const coreSeconds = split ? records / input.exactDedupRecordsPerCoreSecond! + pairs / input.exactDedupPairsPerCoreSecond! : records / input.dedupRecordsPerCoreSecond;
  const recordSeconds = coreSeconds / Math.min(1, vcpus);
  // The merge: every group file's bytes streamed in, out, and read back for the output's digest.
  const groupBytes = docs * (GROUP_EXACT_BYTES + (input.dedupKind === 'minhash' ? input.dedupBands * GROUP_BAND_BYTES : 0));
  const mergeSeconds = merging ? (3 * groupBytes) / MERGE_BYTES_PER_SECOND : 0;
  const lambdaSeconds = recordSeconds + mergeSeconds;
  const gbSeconds = lambdaSeconds * (input.dedupLambdaMemoryMb / 1024);
  const calls = groups + merging + partitions + merges;
  const recordCalls = groups + partitions + merges;
  const wallSeconds =
    (recordSeconds / recordCalls) * (Math.ceil(groups / input.concurrency) + Math.ceil(merges / input.concurrency) + Math.ceil(partitions / input.concurrency)) +
    (merging ? (mergeSeconds / merging) * Math.ceil(merging / input.concurrency) : 0);
  const r = shuffleRequests(d, layout, workItems, { itemsWithPairs: workItems, itemsWithRemovals: workItems, scoreFiles: 10, ...(merging ? { mergedFileBytes: groupBytes / merging } : {}) });
  const stagesRequests = [r.gather, r.merge, r.partition, r.removals, r.clusters];
  const s3Gets = stagesRequests.reduce((n, x) => n + x.gets + x.heads, 0);
  const s3Puts = stagesRequests.reduce((n, x) => n + x.puts, 0);
  if (input.dedupKind === 'minhash') {
    // The clustering is one call holding every verified pair and paired document.
    // The clustering is one call holding every verified pair and paired document (at most two per pair).
    const mb = (pairs * CLUSTER_BYTES_PER_PAIR + 2 * pairs * CLUSTER_BYTES_PER_DOC(input.dedupHashes)) / 2 ** 20;
    if (mb > CLUSTERS_MEMORY_MB) {
      warnings.push(
        `MinHash merges its ~${Math.round(pairs).toLocaleString('en-US')} expected duplicate pairs in one clustering call holding about ` +
          `${Math.round(mb).toLocaleString('en-US')} MB, over its Lambda's ${CLUSTERS_MEMORY_MB} MB: at this size use dedup "exact" (decided per ` +
          `partition) or run the dedup stages locally (docs/performance.md, "The dedup shuffle")`,
      );
    }
  }
  const p = input.prices;
  const cost = {
    lambdaCompute: gbSeconds * p.lambdaGbSecond,
    lambdaRequests: (calls + 1) * p.lambdaRequest,
    stepFunctions: calls * input.transitionsPerInvocation * p.sfnTransition,
    s3Requests: s3Gets * p.s3Get + s3Puts * p.s3Put,
    total: 0,
  };
  cost.total = cost.lambdaCompute + cost.lambdaRequests + cost.stepFunctions + cost.s3Requests;
  return { kind: input.dedupKind, partitions, groups, mergeGroups, merges, records, lambdaSeconds, gbSeconds, wallSeconds, s3Gets, s3Puts, cost };
}

/**
 * The cost model (pure): from a corpus size and the scorer's measured per-core throughput, the score stage's time and
 * cost on Lambda (GB-seconds, requests, Step Functions transitions, S3 requests), the reference pass's GPU hours for
 * the sample, and what scoring every document with the large model would cost instead. Invalid input throws
 * CostInputError naming the field.
 */
export function estimateCost(raw: CostInput): CostEstimate {
  const parsed = costInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CostInputError(`cost model input: ${formatZodError(parsed.error, { root: '(input)' })}`);
  }
  const input = parsed.data;
  const p = input.prices;
  const uncompressedBytes = input.corpusBytes * input.compressionRatio;
  const docs = uncompressedBytes / input.docBytes;
  const tokens = uncompressedBytes * input.tokensPerByte;

  const workItems = Math.max(1, Math.ceil(input.corpusBytes / input.shardBytes));
  const invocations = Math.ceil(workItems / input.itemsPerInvocation);
  const vcpus = input.lambdaMemoryMb / LAMBDA_MB_PER_VCPU;
  const scorerPerCore =
    input.dedupKind === 'minhash' ? (input.minhashScorerBytesPerCoreSecond ?? input.scorerBytesPerCoreSecond) : input.scorerBytesPerCoreSecond;
  const bytesPerSecondPerLambda = scorerPerCore * Math.min(1, vcpus);
  const itemUncompressed = Math.min(input.shardBytes, input.corpusBytes) * input.compressionRatio;
  const secondsPerItem = itemUncompressed / bytesPerSecondPerLambda;
  const lambdaSeconds = uncompressedBytes / bytesPerSecondPerLambda;
  const gbSeconds = lambdaSeconds * (input.lambdaMemoryMb / 1024);
  const waves = Math.ceil(invocations / input.concurrency);
  const wallSeconds = waves * secondsPerItem * input.itemsPerInvocation;
  const transitions = invocations * input.transitionsPerInvocation;
  const s3Gets = workItems + invocations * S3_GETS_PER_INVOCATION;
  const s3Puts = workItems * (S3_PUTS_PER_ITEM + (input.dedupKind === 'none' ? 0 : S3_DEDUP_PUTS_PER_ITEM));
  const warnings: string[] = [];
  if (secondsPerItem * input.itemsPerInvocation > LAMBDA_MAX_SECONDS) {
    warnings.push(
      `an invocation would run ${(secondsPerItem * input.itemsPerInvocation).toFixed(0)} s, over Lambda's ${LAMBDA_MAX_SECONDS} s limit: ` +
        `use smaller shards (byte-range work items), fewer items per invocation or more memory`,
    );
  }
  const lambdaCompute = gbSeconds * p.lambdaGbSecond;
  const lambdaRequests = invocations * p.lambdaRequest;
  const stepFunctions = transitions * p.sfnTransition;
  const s3Requests = s3Gets * p.s3Get + s3Puts * p.s3Put;
  const scoringTotal = lambdaCompute + lambdaRequests + stepFunctions + s3Requests;

  const dedup = estimateDedup(input, docs, workItems, warnings);

  const sampleDocs = Math.min(input.sampleDocs, Math.max(1, Math.round(docs)));
  const referenceTokens = sampleDocs * input.docBytes * input.tokensPerByte;
  const referenceGpuHours = referenceTokens / input.gpuTokensPerSecond / 3600;
  const referenceCost = referenceGpuHours * p.gpuHour;

  const largeGpuHours = tokens / input.gpuTokensPerSecond / 3600;
  const largeCost = largeGpuHours * p.gpuHour;
  const totalCost = scoringTotal + dedup.cost.total + referenceCost;
  if (!Number.isFinite(totalCost)) throw new CostInputError('cost model input: the estimate is not finite (sizes too large?)');
  return {
    input,
    corpus: { storedBytes: input.corpusBytes, uncompressedBytes, docs, tokens },
    scoring: {
      workItems,
      invocations,
      bytesPerSecondPerLambda,
      vcpus,
      secondsPerItem,
      lambdaSeconds,
      gbSeconds,
      wallSeconds,
      transitions,
      s3Gets,
      s3Puts,
      cost: { lambdaCompute, lambdaRequests, stepFunctions, s3Requests, total: scoringTotal },
      warnings,
    },
    dedup,
    reference: { docs: sampleDocs, tokens: referenceTokens, gpuHours: referenceGpuHours, cost: referenceCost },
    largeModelEverything: { gpuHours: largeGpuHours, cost: largeCost, ratio: largeCost / totalCost },
    totalCost,
  };
}
