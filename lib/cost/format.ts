import { formatBytes } from './parse-size.ts';
import { PRICES_AS_OF } from './prices.ts';
import type { CostEstimate } from './types.ts';

function usd(v: number): string {
  if (v >= 100) return `$${Math.round(v).toLocaleString('en-US')}`;
  if (v >= 1) return `$${v.toFixed(2)}`;
  return `$${v.toFixed(4)}`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** The estimate as the `proxysel estimate` printout; `source` says where the scorer throughput came from. */
export function formatEstimate(e: CostEstimate, source: string): string {
  const i = e.input;
  const s = e.scoring;
  const p = i.prices;
  const lines = [
    `corpus: ${formatBytes(e.corpus.storedBytes)} stored, ${formatBytes(e.corpus.uncompressedBytes)} uncompressed (x${i.compressionRatio.toFixed(2)}), ` +
      `~${count(e.corpus.docs)} documents of ${formatBytes(i.docBytes)}, ~${count(e.corpus.tokens)} tokens (${Number(i.tokensPerByte.toFixed(3))} tokens/byte)`,
    `scorer: ${formatBytes(i.scorerBytesPerCoreSecond)}/s per core (${source})`,
    '',
    `score stage on Lambda (${i.lambdaMemoryMb} MB = ${s.vcpus.toFixed(2)} vCPU, ${formatBytes(s.bytesPerSecondPerLambda)}/s each, ${i.concurrency} at once):`,
    `  work items          ${count(s.workItems)} of ${formatBytes(i.shardBytes)} stored, ${duration(s.secondsPerItem)} each`,
    `  wall time           ${duration(s.wallSeconds)}`,
    `  Lambda compute      ${count(s.gbSeconds)} GB-s x $${p.lambdaGbSecond}/GB-s = ${usd(s.cost.lambdaCompute)}`,
    `  Lambda requests     ${count(s.invocations)} x $${(p.lambdaRequest * 1e6).toFixed(2)}/million = ${usd(s.cost.lambdaRequests)}`,
    `  Step Functions      ${count(s.transitions)} transitions (Distributed Map, ${i.transitionsPerInvocation} per invocation) x $${(p.sfnTransition * 1000).toFixed(3)}/1000 = ${usd(s.cost.stepFunctions)}`,
    `  S3 requests         ${count(s.s3Gets)} GET x $${(p.s3Get * 1000).toFixed(4)}/1000 + ${count(s.s3Puts)} PUT x $${(p.s3Put * 1000).toFixed(3)}/1000 = ${usd(s.cost.s3Requests)}`,
    `  scoring total       ${usd(s.cost.total)}`,
    '',
    ...(e.dedup.kind === 'none'
      ? ['dedup: none', '']
      : [
          `dedup stages (${e.dedup.kind}: ${count(e.dedup.groups)} gather groups${e.dedup.mergeGroups > 1 ? ` merged ${e.dedup.mergeGroups} at a time into ${count(e.dedup.merges)}` : ''}, ${count(e.dedup.partitions)} partitions, ${i.dedupLambdaMemoryMb} MB Lambdas, ${e.dedup.kind === 'exact' && i.exactDedupRecordsPerCoreSecond && i.exactDedupPairsPerCoreSecond ? `${count(i.exactDedupRecordsPerCoreSecond)} records/s and ${count(i.exactDedupPairsPerCoreSecond)} duplicate pairs/s per core, ${Math.round(100 * i.duplicateShare)}% of documents duplicates` : `${count(i.dedupRecordsPerCoreSecond)} records/s per core`}):`,
          `  records             ${count(e.dedup.records)} (${e.dedup.kind === 'minhash' ? `${i.dedupBands} band keys + 1 exact hash` : '1 exact hash'} per document)`,
          `  wall time           ${duration(e.dedup.wallSeconds)}`,
          `  Lambda compute      ${count(e.dedup.gbSeconds)} GB-s = ${usd(e.dedup.cost.lambdaCompute)}`,
          `  requests            ${usd(e.dedup.cost.lambdaRequests + e.dedup.cost.stepFunctions)} (Lambda + Step Functions), S3 ${count(e.dedup.s3Gets)} GET + ${count(e.dedup.s3Puts)} PUT = ${usd(e.dedup.cost.s3Requests)}`,
          `  dedup total         ${usd(e.dedup.cost.total)}`,
          '',
        ]),
    `reference pass (large model on the sample, ${count(i.gpuTokensPerSecond)} tokens/s per GPU at ${usd(p.gpuHour)}/GPU-hour):`,
    `  ${count(e.reference.docs)} documents, ${count(e.reference.tokens)} tokens: ${e.reference.gpuHours.toFixed(2)} GPU-hours = ${usd(e.reference.cost)}`,
    '',
    `proxysel total (scoring + dedup + reference): ${usd(e.totalCost)}`,
    `large model on every document instead: ${count(e.largeModelEverything.gpuHours)} GPU-hours = ${usd(e.largeModelEverything.cost)} ` +
      `(${e.largeModelEverything.ratio >= 10 ? count(e.largeModelEverything.ratio) : e.largeModelEverything.ratio.toFixed(1)}x the proxy path)`,
    '',
    `prices: ${PRICES_AS_OF}; override with --price-gb-second, --price-request, --price-transition, --price-get, --price-put, --price-gpu-hour`,
  ];
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
