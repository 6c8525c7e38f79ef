/** Formats a shard may have; decided from the file name. */
export type ShardFormat = 'jsonl' | 'jsonl.gz' | 'jsonl.zst' | 'parquet';

/**
 * A unit of fan-out: a whole shard, or one byte range of a large uncompressed `.jsonl` shard.
 * Convention for ranges: the item owns every line whose first byte lies in [start, end).
 */
export interface WorkItem {
  /** Stable, filesystem-safe id, e.g. `00003` or `00003-r0002`; used in artifact keys. */
  id: string;
  /** Full URI of the shard. */
  uri: string;
  /** Key of the shard relative to the corpus prefix (used in messages and manifests). */
  key: string;
  format: ShardFormat;
  /** Size of the whole shard in bytes. */
  size: number;
  etag: string;
  /** Present only for byte-range items. */
  range?: { start: number; end: number };
  /** Bytes this item covers (size, or end - start). */
  bytes: number;
}

/** A document read from a shard, with its provenance. */
export interface Doc {
  id: string;
  text: string;
  /** Work item id. */
  item: string;
  /** 0-based index of the record within the work item (counting only good records). */
  row: number;
  /** 1-based line number within the shard (jsonl formats, whole-shard items) or record index (parquet); -1 if unknown. */
  line: number;
  /** Byte offset of the record's line within the (uncompressed) shard, -1 where the format does not allow it. */
  offset: number;
  /** UTF-8 byte length of the text. */
  bytes: number;
  /** The record's other fields (all but the text and id fields), when read with `keepFields`. */
  fields?: Record<string, unknown>;
}

export type BadRecordReason = 'invalid-json' | 'missing-text' | 'non-string-text' | 'invalid-utf8' | 'missing-id' | 'unreadable-shard';

export interface BadRecord {
  /** Shard key relative to the corpus prefix. */
  file: string;
  /** 1-based line (or record) number in the shard; for byte-range items, -1 with `offset` set. */
  line: number;
  offset: number;
  reason: BadRecordReason;
  /** Human message: `part-0003.jsonl.gz line 1182: not valid JSON`. */
  message: string;
}

export type OnBadRecord = 'skip' | 'fail';

export interface ReadOptions {
  textField: string;
  /** When absent or missing in a record, the id is `<shard key>:<line or record index>`. */
  idField?: string;
  onBadRecord: OnBadRecord;
  /** Called for each bad record (when skipping). */
  onBad?: (bad: BadRecord) => void;
  /** Keep each record's other fields on its document (`fields`); jsonl formats only (parquet reads two columns). */
  keepFields?: boolean;
  /** A shard that cannot be read (truncated or corrupt stream, broken parquet): `fail` (throw) or `skip` (end there). */
  onBadShard?: 'fail' | 'skip';
  /** Called with the field names of each record that has no text field, before the bad-record policy applies. */
  onMissingText?: (fields: string[]) => void;
  /** Called once for a problem of a whole shard (a parquet shard without the text column): said, not only counted. */
  onWarning?: (message: string) => void;
}
