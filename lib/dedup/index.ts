export { BandFileWriter, decodeBandFile, type BandChunk } from './band-file.ts';
export { decodeGroupHeader, gatherBandFiles, groupHeaderBytes, type GatherInput, type GroupSection } from './group-file.ts';
export { PartitionRecords } from './partition-records.ts';
export { collidingDocs, findDuplicatePairs, type PairFinderOptions, type PairFinderStats } from './candidates.ts';
export { compareKeepOrder, resolveClusters, type Cluster, type Removal } from './clusters.ts';
export { compareRefs, refKey, refOfKey } from './doc-ref.ts';
export { deduplicateInMemory, type InMemoryDoc, type InMemoryOptions } from './in-memory.ts';
export { bandKeys, checkMinHashParams, estimateJaccard, MinHasher, partitionOf, truncateSignature } from './signature.ts';
export {
  decodeSignatureFile,
  decodeSignatureHeader,
  decodeSignatureRecords,
  recordRange,
  SIGNATURE_HEADER_BYTES,
  SignatureFileWriter,
  signatureRecordBytes,
  signatureFileDocs,
  type SignatureRecord,
} from './signature-file.ts';
export { DedupFileError, MinHashParamsError, PartitionTooLargeError } from './errors.ts';
export { DEFAULT_MINHASH, type ClusterGuard, type DocRef, type DuplicateEdge, type MinHashParams } from './types.ts';
export { decodePairs, encodeEdges, PairList } from './edge-file.ts';
export { SignatureTable } from './signature-table.ts';
export { dedupLayout, recordsPerDoc, shuffleRequests, type ClusterFacts, type DedupLayout, type DedupLayoutInput, type StageRequests } from './layout.ts';
