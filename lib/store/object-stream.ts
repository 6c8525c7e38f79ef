import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ObjectStore, WriteOptions } from './types.ts';

/**
 * One object written as its bytes come (a local temporary file renamed at the end, or an S3 multipart upload), so a
 * writer holds a chunk, not the object: what keeps a stage's memory flat in its input's size. Nothing appears under
 * the URI unless `end` succeeds; `abort` (or a failed write) leaves no object and no temporary file.
 */
export class ObjectStream {
  private readonly body = new PassThrough();
  private readonly done: Promise<void>;
  private failure: unknown;

  constructor(store: ObjectStore, readonly uri: string, options?: WriteOptions) {
    // `abort` destroys the body with its reason, maybe before the store's write has attached to it: the reason reaches
    // the write (which then rejects and removes its temporary file), never the process as an unhandled 'error'.
    this.body.on('error', () => undefined);
    this.done = store.write(uri, this.body, options);
    this.done.catch((err: unknown) => {
      this.failure = err;
    });
  }

  /** Appends bytes; waits while the destination is behind (backpressure). */
  async write(chunk: Buffer | Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    if (!this.body.write(chunk)) await Promise.race([once(this.body, 'drain'), this.done]);
    if (this.failure) throw this.failure;
  }

  /** Ends the object: resolves once it is stored whole. */
  async end(): Promise<void> {
    this.body.end();
    await this.done;
  }

  /** Abandons the object: nothing is stored. */
  async abort(reason: Error): Promise<void> {
    this.body.destroy(reason);
    await this.done.catch(() => undefined);
  }
}
