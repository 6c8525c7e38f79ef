import { Worker } from 'node:worker_threads';
import type { S3Options } from '../store/index.ts';
import { WORKER_YOUNG_GENERATION_MB } from '../heap.ts';
import type { StageName, StageOutput } from '../pipeline/stages.ts';
import { WorkerTaskError } from '../pipeline/index.ts';
import type { Logger } from '../pipeline/index.ts';

export interface WorkerTask {
  type: 'task';
  id: number;
  stage: StageName;
  input: unknown;
}

export type WorkerReply =
  | { type: 'done'; id: number; output: unknown }
  | { type: 'error'; id: number; name: string; message: string; stack?: string; badInput: boolean }
  | { type: 'progress'; id: number; delta: { docs?: number; bytes?: number } }
  | { type: 'log'; id: number; level: keyof Logger; message: string };

interface Pending {
  task: WorkerTask;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (delta: { docs?: number; bytes?: number }) => void;
}

/**
 * A fixed pool of worker threads running stage calls (CPU-bound work: parsing, featurizing, inference), one call at a
 * time per worker. A worker that dies fails its call and is replaced.
 */
export class StageWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly options: { s3?: S3Options; log: Logger },
  ) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    // The boot file registers the TypeScript loader in the thread, then imports stage-worker.ts.
    const worker = new Worker(new URL('./stage-worker-boot.mjs', import.meta.url), {
      workerData: { s3: this.options.s3 },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onExit(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.onExit(worker, new Error(`worker thread exited with code ${code}`));
    });
    worker.unref();
    return worker;
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.busy.get(worker);
    if (!pending || pending.task.id !== reply.id) return;
    if (reply.type === 'progress') pending.onProgress?.(reply.delta);
    else if (reply.type === 'log') this.options.log[reply.level](reply.message);
    else {
      this.busy.delete(worker);
      if (reply.type === 'done') pending.resolve(reply.output);
      else pending.reject(new WorkerTaskError(pending.task.stage, reply.message, reply));
      this.idle.push(worker);
      this.pump();
    }
  }

  private onExit(worker: Worker, error: Error): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    if (pending) pending.reject(new WorkerTaskError(pending.task.stage, error.message));
    if (!this.closed) {
      this.idle.push(this.spawn());
      this.pump();
    }
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.task);
    }
    for (const w of this.idle) w.unref();
  }

  /** Runs one call of `stage` on a worker, which validates `input` with the stage's schema. */
  run<S extends StageName>(
    stage: S,
    input: unknown,
    onProgress?: (delta: { docs?: number; bytes?: number }) => void,
  ): Promise<StageOutput<S>> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({
        task: { type: 'task', id: this.nextId++, stage, input },
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress,
      });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.ref(); // an idle worker is unref'd: without this the process may exit before it does, leaving close() pending
            w.postMessage({ type: 'close' });
            setTimeout(() => void w.terminate(), 2000).unref();
          }),
      ),
    );
  }
}
