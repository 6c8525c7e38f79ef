export { BandFileWriter } from './band-file.ts';
export { decodeGroupHeader, gatherBandFiles, groupHeaderBytes, mergeGroupFiles, mergedGroupHeader, type GroupHeader, type MergeInput } from './group-file.ts';
export { PartitionRecords } from './partition-records.ts';
export { compareListing, resolveExactPartition, type ExactPartitionSummary, type LargestCandidate } from './exact-partition.ts';
export { decodeRemovalHeader, decodeRemovalSection, encodeRemovals, removalHeaderBytes } from './removal-file.ts';
export { collidingDocs, findDuplicatePairs, type PairFinderStats } from './candidates.ts';
export { resolveClusters } from './clusters.ts';
export { refKey } from './doc-ref.ts';
export { bandKeys, MinHasher } from './signature.ts';
export {
  decodeSignatureHeader,
  recordRange,
  SIGNATURE_HEADER_BYTES,
  SignatureFileWriter,
  signatureFileDocs,
} from './signature-file.ts';
export { DedupFileError, MinHashParamsError, PartitionTooLargeError } from './errors.ts';
export { type DuplicateEdge, type MinHashParams } from './types.ts';
export { decodePairs, encodeEdges, PairList } from './edge-file.ts';
export { SignatureTable } from './signature-table.ts';
export { dedupLayout, mergeGroupsFor, recordsPerDoc, shuffleRequests, streamedPuts, type DedupLayout } from './layout.ts';
