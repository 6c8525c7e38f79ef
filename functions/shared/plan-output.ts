import type { PlanOutput } from '../../lib/pipeline/index.ts';
import { artifactKeys } from '../../lib/run/index.ts';
import { parseUri } from '../../lib/store/index.ts';

/** The plan's output plus what the state machine's Distributed Maps need: ItemReader and ResultWriter locations. */
export interface CloudPlanOutput extends PlanOutput {
  /** Bucket and key of plan/items.json (ItemReader). */
  itemsBucket?: string;
  itemsKey?: string;
  /** Key prefix for the Map Runs' result manifests (ResultWriter), inside the output. */
  resultsPrefix?: string;
  /** Key of plan/dedup-partitions.json (the DedupMap's ItemReader), in the same bucket. */
  dedupPartitionsKey?: string;
  /** Key of plan/dedup-groups.json (the DedupGatherMap's ItemReader). */
  dedupGroupsKey?: string;
  /** Key of plan/dedup-merges.json (the DedupMergeMap's and DedupRemovalsMap's ItemReader). */
  dedupMergesKey?: string;
}

/** Splits the S3 URIs of the plan's output into bucket and key for the ItemReader/ResultWriter (no-op for local). */
export function cloudPlanOutput(output: PlanOutput): CloudPlanOutput {
  const items = parseUri(output.itemsUri);
  if (items.scheme !== 's3') return output;
  const itemsKey = items.key;
  const outputPrefix = itemsKey.slice(0, itemsKey.length - artifactKeys.items.length);
  return {
    ...output,
    itemsBucket: items.bucket,
    itemsKey,
    resultsPrefix: `${outputPrefix}plan/map-results`,
    dedupPartitionsKey: `${outputPrefix}${artifactKeys.dedupPartitions}`,
    dedupGroupsKey: `${outputPrefix}${artifactKeys.dedupGroups}`,
    dedupMergesKey: `${outputPrefix}${artifactKeys.dedupMerges}`,
  };
}
