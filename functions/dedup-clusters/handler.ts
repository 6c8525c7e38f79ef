import { dedupClusters } from '../../lib/pipeline/dedup.ts';
import { planRefSchema } from '../../lib/pipeline/types.ts';
import { stageHandler } from '../shared/middleware.ts';

/** dedup-clusters: merges the partitions' pairs into clusters, keeps the best copy of each, writes the removal lists. */
export const handler = stageHandler('dedup-clusters', planRefSchema, dedupClusters);
