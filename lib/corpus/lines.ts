/**
 * Called for each complete line: the line's bytes without the `\n` (a view valid only during the call), the byte
 * offset of its first byte in the whole (uncompressed) stream, and its 1-based line number (0 when lines are not
 * counted, as for byte ranges that start mid-file).
 */
export type LineHandler = (line: Buffer, offset: number, lineNo: number) => void;

export interface LineSplitterOptions {
  /** Absolute offset of the first byte that will be pushed (default 0). */
  startOffset?: number;
  /** Discard everything up to and including the first `\n`: the tail of a line owned by an earlier byte range. */
  discardFirst?: boolean;
  /** Lines that start at or after this absolute offset are not emitted, and the splitter stops there. */
  stopAt?: number;
  /** Count lines from 1 (whole streams only); otherwise lineNo is 0. */
  countLines?: boolean;
}

/**
 * Splits a byte stream into lines on `\n` (0x0a), working on Buffers (not strings). Lines that span chunks are
 * reassembled from copies, so pushed chunks may be reused or released by the caller once `push` returns.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private carryOffset = 0;
  private position: number;
  private discarding: boolean;
  private stopped = false;
  private readonly stopAt: number;
  private readonly countLines: boolean;
  /** Complete lines emitted so far (including blank ones). */
  lines = 0;

  constructor(
    private readonly onLine: LineHandler,
    options: LineSplitterOptions = {},
  ) {
    this.position = options.startOffset ?? 0;
    this.discarding = options.discardFirst ?? false;
    this.stopAt = options.stopAt ?? Number.POSITIVE_INFINITY;
    this.countLines = options.countLines ?? true;
  }

  /** True once a line start at or past `stopAt` was reached: the caller can stop reading. */
  get done(): boolean {
    return this.stopped;
  }

  private emit(line: Buffer, offset: number): void {
    if (offset >= this.stopAt) {
      this.stopped = true;
      return;
    }
    this.lines += 1;
    this.onLine(line, offset, this.countLines ? this.lines : 0);
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (this.stopped || chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const base = this.position;
    this.position += buf.length;
    let start = 0;
    if (this.discarding) {
      const nl = buf.indexOf(0x0a);
      if (nl === -1) {
        if (this.position >= this.stopAt) this.stopped = true;
        return;
      }
      this.discarding = false;
      start = nl + 1;
      if (base + start >= this.stopAt) {
        this.stopped = true;
        return;
      }
    } else if (this.carryBytes > 0 || this.carry.length > 0) {
      const nl = buf.indexOf(0x0a);
      if (nl === -1) {
        this.carry.push(Buffer.from(buf));
        this.carryBytes += buf.length;
        return;
      }
      this.carry.push(buf.subarray(0, nl));
      const line = Buffer.concat(this.carry, this.carryBytes + nl);
      this.carry = [];
      this.carryBytes = 0;
      this.emit(line, this.carryOffset);
      if (this.stopped) return;
      start = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl === -1) break;
      this.emit(buf.subarray(start, nl), base + start);
      if (this.stopped) return;
      start = nl + 1;
    }
    if (start < buf.length) {
      if (base + start >= this.stopAt) {
        this.stopped = true;
        return;
      }
      this.carry.push(Buffer.from(buf.subarray(start)));
      this.carryBytes = buf.length - start;
      this.carryOffset = base + start;
    }
  }

  /** Ends the stream: a last line without a trailing `\n` is emitted. */
  end(): void {
    if (this.stopped) return;
    if (this.carry.length > 0) {
      const line = Buffer.concat(this.carry, this.carryBytes);
      this.carry = [];
      this.carryBytes = 0;
      this.emit(line, this.carryOffset);
    }
    this.stopped = true;
  }
}
