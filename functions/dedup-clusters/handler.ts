import { dedupClusters } from '../../lib/pipeline/index.ts';
import { planRefSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** dedup-clusters: merges the partitions' pairs into clusters, keeps the best copy of each, writes the removal lists. */
export const handler = stageHandler('dedup-clusters', planRefSchema, dedupClusters);
