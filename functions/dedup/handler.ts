import { dedupPartition, dedupPartitionEventSchema } from '../../lib/pipeline/index.ts';
import { stageHandler } from '../shared/index.ts';

/** dedup: one partition of the band keys (a child of the DedupMap): verified near- and exact-duplicate pairs. */
export const handler = stageHandler('dedup', dedupPartitionEventSchema, dedupPartition);
