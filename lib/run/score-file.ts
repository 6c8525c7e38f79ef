import { parquetReadObjects } from 'hyparquet';
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer/src/types.js';
import { z } from 'zod';
import type { ObjectStore, ObjectStream } from '../store/index.ts';
import { formatZodError } from '../validate/index.ts';

/** The columns of scores/<item>.parquet, one row per good document of the item, in reading order. */
interface ScoreColumns {
  id: string[];
  row: Int32Array;
  /** Byte offset of the record in the uncompressed shard (-1 where the format has none). */
  offset: Float64Array;
  /** UTF-8 bytes of the text. */
  bytes: Int32Array;
  /** Estimated reference-model tokens. */
  tokens: Int32Array;
  chars: Int32Array;
  words: Int32Array;
  /** Ensemble mean prediction and spread, float32. */
  score: Float32Array;
  std: Float32Array;
  /** The quality rules the document fails: a bitmask of the enabled rules (lib/rules; 0 = passes every rule), in INT32's bits. */
  rules: Int32Array;
}

/** One row group's numeric columns, typed as the file stores them (the rules' uint32 bitmask in INT32's bits). */
class NumericColumns {
  readonly row: Int32Array;
  readonly offset: Float64Array;
  readonly bytes: Int32Array;
  readonly tokens: Int32Array;
  readonly chars: Int32Array;
  readonly words: Int32Array;
  readonly score: Float32Array;
  readonly std: Float32Array;
  readonly rules: Int32Array;

  constructor(readonly capacity: number) {
    this.row = new Int32Array(capacity);
    this.offset = new Float64Array(capacity);
    this.bytes = new Int32Array(capacity);
    this.tokens = new Int32Array(capacity);
    this.chars = new Int32Array(capacity);
    this.words = new Int32Array(capacity);
    this.score = new Float32Array(capacity);
    this.std = new Float32Array(capacity);
    this.rules = new Int32Array(capacity);
  }

  /** A copy with room for `capacity` rows, holding the first `n`. */
  grown(capacity: number, n: number): NumericColumns {
    const g = new NumericColumns(capacity);
    for (const k of NUMERIC) (g[k] as Float64Array).set(this[k].subarray(0, n));
    return g;
  }
}

const NUMERIC = ['row', 'offset', 'bytes', 'tokens', 'chars', 'words', 'score', 'std', 'rules'] as const;

function columnData(c: ScoreColumns) {
  return [
    { name: 'id', data: c.id, type: 'STRING', nullable: false },
    { name: 'row', data: c.row, type: 'INT32', nullable: false },
    { name: 'offset', data: c.offset, type: 'DOUBLE', nullable: false },
    { name: 'bytes', data: c.bytes, type: 'INT32', nullable: false },
    { name: 'tokens', data: c.tokens, type: 'INT32', nullable: false },
    { name: 'chars', data: c.chars, type: 'INT32', nullable: false },
    { name: 'words', data: c.words, type: 'INT32', nullable: false },
    { name: 'score', data: c.score, type: 'FLOAT', nullable: false },
    { name: 'std', data: c.std, type: 'FLOAT', nullable: false },
    // A uint32 bitmask stored in INT32's bits (read back with >>> 0).
    { name: 'rules', data: c.rules, type: 'INT32', nullable: false },
  ] satisfies ColumnSource[];
}

/** Rows per row group of a streamed score file (about 6 MB of columns in memory). */
const ROW_GROUP = 65536;

/**
 * Streams a score file: `add` appends a row, `flush` writes the row group once full, `close` writes the rest and the
 * footer and stores the file. The writer holds a row group, not the item: the score stage's memory does not grow with
 * the shard. The numeric columns are typed arrays allocated once and reused from row group to row group (as JavaScript
 * arrays they were grown by copying, the large ones in pages of their own, for every row group; docs/performance.md,
 * "The score stage's glue"); the file's bytes are the same.
 */
export class ScoreFileWriter {
  private ids: string[] = [];
  /** Rows held (not yet written). */
  private held = 0;
  private numeric = new NumericColumns(ROW_GROUP + 4096);
  private rows = 0;
  private readonly bytes = new ByteWriter();
  private parquet: ParquetWriter | undefined;

  constructor(private readonly stream: ObjectStream) {}

  /** Rows written so far, and held. */
  get docs(): number {
    return this.rows + this.held;
  }

  /** Appends a row (`rules`: the uint32 bitmask). */
  add(id: string, row: number, offset: number, bytes: number, tokens: number, chars: number, words: number, score: number, std: number, rules: number): void {
    let c = this.numeric;
    const i = this.held;
    if (i === c.capacity) c = this.numeric = c.grown(2 * c.capacity, i);
    this.ids.push(id);
    c.row[i] = row;
    c.offset[i] = offset;
    c.bytes[i] = bytes;
    c.tokens[i] = tokens;
    c.chars[i] = chars;
    c.words[i] = words;
    c.score[i] = score;
    c.std[i] = std;
    c.rules[i] = rules;
    this.held = i + 1;
  }

  async flush(): Promise<void> {
    if (this.held >= ROW_GROUP) await this.writeGroup();
  }

  async close(): Promise<void> {
    if (this.held > 0 || !this.parquet) await this.writeGroup();
    this.parquet!.finish();
    await this.drain();
    await this.stream.end();
  }

  async abort(reason: Error): Promise<void> {
    await this.stream.abort(reason);
  }

  private async writeGroup(): Promise<void> {
    const n = this.held;
    const c = this.numeric;
    const data = columnData({
      id: this.ids,
      row: c.row.subarray(0, n),
      offset: c.offset.subarray(0, n),
      bytes: c.bytes.subarray(0, n),
      tokens: c.tokens.subarray(0, n),
      chars: c.chars.subarray(0, n),
      words: c.words.subarray(0, n),
      score: c.score.subarray(0, n),
      std: c.std.subarray(0, n),
      rules: c.rules.subarray(0, n),
    });
    this.parquet ??= new ParquetWriter({ writer: this.bytes, schema: schemaFromColumnData({ columnData: data }), createdBy: 'proxysel' });
    if (n > 0) await this.parquet.write({ columnData: data, rowGroupSize: n });
    this.rows += n;
    this.ids = [];
    this.held = 0;
    await this.drain();
  }

  private async drain(): Promise<void> {
    await this.stream.write(this.bytes.getBytes().slice());
    this.bytes.index = 0;
  }
}

const scoreRowSchema = z.object({
  id: z.string(),
  row: z.number(),
  offset: z.number(),
  bytes: z.number(),
  tokens: z.number(),
  chars: z.number(),
  words: z.number(),
  score: z.number(),
  std: z.number(),
  /** Absent in score files written before the quality rules: 0 (passes). */
  rules: z
    .number()
    .int()
    .optional()
    .transform((m) => (m ?? 0) >>> 0),
});
export type ScoreRow = z.infer<typeof scoreRowSchema>;

/** A score file's bytes as the ArrayBuffer hyparquet reads. */
async function readParquet(store: ObjectStore, uri: string): Promise<ArrayBuffer> {
  const buf = await store.read(uri);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

async function readRows(uri: string, options: Parameters<typeof parquetReadObjects>[0]): Promise<Record<string, unknown>[]> {
  try {
    return await parquetReadObjects(options);
  } catch (err) {
    throw new Error(`${uri}: not a readable score file (${(err as Error).message})`, { cause: err });
  }
}

/** Reads a score file back; every row validated, errors name the file and row. */
export async function readScoreFile(store: ObjectStore, uri: string): Promise<ScoreRow[]> {
  const rows = await readRows(uri, { file: await readParquet(store, uri) });
  return rows.map((r, i) => {
    const parsed = scoreRowSchema.safeParse(r);
    if (!parsed.success) throw new Error(`${uri} row ${i}: not a valid score row (${formatZodError(parsed.error)})`);
    return parsed.data;
  });
}

/**
 * The ids of a score file's rows at `positions` (one read of the file; only the id column of the row groups holding
 * them is decoded): what the dedup summary names its examples by, without a whole score file's rows in memory.
 */
export async function readScoreIds(store: ObjectStore, uri: string, positions: readonly number[]): Promise<Map<number, string>> {
  const file = await readParquet(store, uri);
  const out = new Map<number, string>();
  for (const pos of positions) {
    if (out.has(pos)) continue;
    const [row] = await readRows(uri, { file, columns: ['id'], rowStart: pos, rowEnd: pos + 1 });
    const id = row?.['id'];
    if (typeof id !== 'string') throw new Error(`${uri} row ${pos}: ${row ? 'no string id' : 'past the end of the file'}`);
    out.set(pos, id);
  }
  return out;
}
