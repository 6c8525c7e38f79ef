import { isUtf8 } from 'node:buffer';
import { BadRecordError } from './errors.ts';
import type { BadRecord, BadRecordReason, Doc, ReadOptions, WorkItem } from './types.ts';

/** How records are located in messages: by line (jsonl), by byte (jsonl byte ranges) or by record index (parquet). */
export type RecordLocator = 'line' | 'record';

function isBlank(line: Buffer): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * A document as the readers build it. A class, not an object literal: V8 tracks the survival of objects made by a
 * literal and, once a batch's documents were seen to outlive a scavenge, allocated them in the old generation
 * ("allocation-site pretenuring"), where each one kept its text (young) alive through every scavenge until the next
 * major collection: the score stage then copied every text twice (docs/performance.md, "The score stage's glue").
 */
class Document implements Doc {
  declare fields?: Record<string, unknown>;
  constructor(
    public id: string,
    public text: string,
    public item: string,
    public row: number,
    public line: number,
    public offset: number,
    public bytes: number,
  ) {}
}

/**
 * Turns raw records of one work item into documents with provenance, applying the bad-record policy:
 * `fail` throws BadRecordError, `skip` reports to `onBad` and drops the record.
 */
export class DocumentBuilder {
  private row = 0;
  private readonly textField: string;
  private readonly idField: string | undefined;

  constructor(
    private readonly item: WorkItem,
    private readonly options: ReadOptions,
    private readonly locator: RecordLocator = 'line',
  ) {
    this.textField = options.textField;
    this.idField = options.idField;
  }

  private bad(reason: BadRecordReason, problem: string, line: number, offset: number): undefined {
    const where = line > 0 ? `${this.locator} ${line}` : `byte ${offset}`;
    const record: BadRecord = { file: this.item.key, line: line > 0 ? line : -1, offset, reason, message: `${this.item.key} ${where}: ${problem}` };
    if (this.options.onBadRecord === 'fail') throw new BadRecordError(record);
    this.options.onBad?.(record);
    return undefined;
  }

  /** One JSONL line (without its newline); blank lines give undefined silently. `line` is 0 when unknown. */
  fromLine(bytes: Buffer, offset: number, line: number): Doc | undefined {
    if (offset === 0 && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3); // UTF-8 byte order mark at the start of the shard
    }
    if (bytes.length === 0 || (bytes[0] !== 0x7b && isBlank(bytes))) return undefined;
    if (!isUtf8(bytes)) return this.bad('invalid-utf8', 'not valid UTF-8', line, offset);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.bad('invalid-json', 'not valid JSON', line, offset);
    }
    return this.fromRecord(value, line, offset);
  }

  /** One parsed record. `line` is the 1-based line or record number (0 when unknown), `offset` -1 when unknown. */
  fromRecord(value: unknown, line: number, offset: number): Doc | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.bad('missing-text', `not a JSON object (found ${typeName(value)})`, line, offset);
    }
    const rec = value as Record<string, unknown>;
    const text = Object.hasOwn(rec, this.textField) ? rec[this.textField] : undefined;
    if (text === undefined || text === null) {
      this.options.onMissingText?.(Object.keys(rec));
      return this.bad('missing-text', `no "${this.textField}" field`, line, offset);
    }
    if (typeof text !== 'string') {
      return this.bad('non-string-text', `"${this.textField}" is a ${typeName(text)}, not a string`, line, offset);
    }
    let id: string | undefined;
    if (this.idField !== undefined && Object.hasOwn(rec, this.idField)) {
      const raw = rec[this.idField];
      if (typeof raw === 'string') id = raw;
      else if (typeof raw === 'number' || typeof raw === 'bigint') id = String(raw);
    }
    if (id === undefined) id = line > 0 ? `${this.item.key}:${line}` : `${this.item.key}@${offset}`;
    const doc: Doc = new Document(id, text, this.item.id, this.row++, line > 0 ? line : -1, offset, Buffer.byteLength(text, 'utf8'));
    if (this.options.keepFields) {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rec)) if (k !== this.textField && k !== this.idField) fields[k] = v;
      doc.fields = fields;
    }
    return doc;
  }
}

/** Groups documents into batches of at most `maxDocs` documents or about `maxBytes` text bytes. */
export class DocBatcher {
  private current: Doc[] = [];
  private bytes = 0;
  /** Full batches waiting to be handed out, oldest first. */
  readonly ready: Doc[][] = [];

  constructor(
    private readonly maxDocs: number,
    private readonly maxBytes: number,
  ) {}

  add(doc: Doc): void {
    this.current.push(doc);
    this.bytes += doc.bytes;
    if (this.current.length >= this.maxDocs || this.bytes >= this.maxBytes) this.cut();
  }

  private cut(): void {
    if (this.current.length === 0) return;
    this.ready.push(this.current);
    this.current = [];
    this.bytes = 0;
  }

  /** Moves the partial batch to `ready` (end of input). */
  flush(): void {
    this.cut();
  }
}
