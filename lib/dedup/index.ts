export { BandFileWriter } from './band-file.ts';
export { decodeGroupHeader, gatherBandFiles, groupHeaderBytes } from './group-file.ts';
export { PartitionRecords } from './partition-records.ts';
export { collidingDocs, findDuplicatePairs, type PairFinderStats } from './candidates.ts';
export { resolveClusters } from './clusters.ts';
export { refKey } from './doc-ref.ts';
export { bandKeys, MinHasher } from './signature.ts';
export {
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
export { type DocInfo, type DuplicateEdge, type MinHashParams } from './types.ts';
export { decodeEdges, encodeEdges } from './edge-file.ts';
export { dedupLayout, recordsPerDoc, shuffleRequests, type DedupLayout } from './layout.ts';
