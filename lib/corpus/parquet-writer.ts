import { PassThrough } from 'node:stream';
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import type { ObjectStore } from '../store/index.ts';

/** A document as the training loader sees it: the same columns as the `.jsonl.gz` selection. */
export interface TextRecord {
  id: string;
  text: string;
}

/** Rows per row group are cut when the group's text reaches this many UTF-16 code units (or ROW_GROUP_DOCS rows). */
const ROW_GROUP_CHARS = 32 * 1024 * 1024;
const ROW_GROUP_DOCS = 50_000;
/** Encoded bytes are handed to the store in chunks of about this size. */
const FLUSH_BYTES = 1024 * 1024;

/**
 * A hyparquet-writer Writer that streams what it has encoded into `out` instead of growing one buffer: `flush` (called
 * by ParquetWriter after each row group) and `ensure` (when the buffer passes FLUSH_BYTES) push the bytes out, and
 * `flush` waits for the stream to drain, so memory stays at about one row group however many rows are written.
 */
class StreamingByteWriter extends ByteWriter {
  constructor(private readonly out: PassThrough) {
    super(FLUSH_BYTES * 2);
  }

  private push(): boolean {
    if (this.index === 0) return true;
    const ok = this.out.write(Buffer.from(this.buffer.slice(0, this.index)));
    this.index = 0;
    return ok;
  }

  override ensure(size: number): void {
    if (this.index > FLUSH_BYTES) this.push();
    super.ensure(size);
  }

  flush(): Promise<void> | void {
    if (this.push()) return;
    // Resolves on drain, or when the consumer has gone (destroyed on error): the error surfaces from store.write.
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  override finish(): void {
    this.push();
    this.out.end();
  }
}

/**
 * Writes `{id, text}` records as a Parquet file (two required UTF-8 string columns, snappy, row groups of up to
 * ROW_GROUP_DOCS rows / ROW_GROUP_CHARS characters unless `options` say otherwise), streaming: at most one row group is in memory. The bytes depend
 * only on the records, so the same selection gives the same file. Returns the number of records and the file's size.
 */
export async function writeTextParquet(
  store: ObjectStore,
  uri: string,
  records: Iterable<TextRecord> | AsyncIterable<TextRecord>,
  options: { rowGroupDocs?: number; rowGroupChars?: number } = {},
): Promise<{ records: number; bytes: number }> {
  const groupDocs = options.rowGroupDocs ?? ROW_GROUP_DOCS;
  const groupChars = options.rowGroupChars ?? ROW_GROUP_CHARS;
  const out = new PassThrough();
  const written = store.write(uri, out, { contentType: 'application/vnd.apache.parquet' });

  const writer = new StreamingByteWriter(out);
  const columns = (ids: string[], texts: string[]) => [
    { name: 'id', data: ids, type: 'STRING' as const, nullable: false },
    { name: 'text', data: texts, type: 'STRING' as const, nullable: false },
  ];
  const parquet = new ParquetWriter({ writer, schema: schemaFromColumnData({ columnData: columns([], []) }), createdBy: 'proxysel' });
  let count = 0;
  const produce = (async () => {
    let ids: string[] = [];
    let texts: string[] = [];
    let chars = 0;
    const writeGroup = async () => {
      if (ids.length === 0) return;
      await parquet.write({ columnData: columns(ids, texts), rowGroupSize: ids.length });
      ids = [];
      texts = [];
      chars = 0;
    };
    for await (const r of records as AsyncIterable<TextRecord>) {
      ids.push(r.id);
      texts.push(r.text);
      chars += r.text.length;
      count += 1;
      if (ids.length >= groupDocs || chars >= groupChars) await writeGroup();
    }
    await writeGroup();
    parquet.finish();
  })().catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    out.on('error', () => {}); // the consumer (store.write) sees it too; the cause is reported from here
    out.destroy(err);
    throw err;
  });
  const [p, w] = await Promise.allSettled([produce, written]);
  // A failure while producing the records (say, a corrupt shard being read) is the cause; report it first.
  if (p.status === 'rejected') throw p.reason;
  if (w.status === 'rejected') throw w.reason;
  return { records: count, bytes: writer.offset };
}
