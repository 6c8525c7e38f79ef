/**
 * A worker thread of the local runner: runs one stage call at a time for the main thread, through the stage registry
 * (input validated as the Lambda handlers validate it). Progress and logs are posted back as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isBadInput } from '../errors.ts';
import { createStore } from '../store/index.ts';
import type { S3Options } from '../store/index.ts';
import { closeScorers } from '../pipeline/index.ts';
import { runStage } from './run-stage.ts';
import type { Logger, StageContext } from '../pipeline/index.ts';
import type { WorkerReply, WorkerTask } from './worker-pool.ts';

const port = parentPort;
if (!port) throw new Error('stage-worker.ts must run in a worker thread');
const { s3 } = workerData as { s3?: S3Options };
const store = createStore({ s3 });

port.on('message', async (task: WorkerTask | { type: 'close' }) => {
  if (task.type === 'close') {
    await closeScorers();
    port.close();
    return;
  }
  const post = (reply: WorkerReply) => port.postMessage(reply);
  const log: Logger = {
    debug: (message) => post({ type: 'log', id: task.id, level: 'debug', message }),
    info: (message) => post({ type: 'log', id: task.id, level: 'info', message }),
    warn: (message) => post({ type: 'log', id: task.id, level: 'warn', message }),
    error: (message) => post({ type: 'log', id: task.id, level: 'error', message }),
  };
  const ctx: StageContext = { store, log, progress: { add: (delta) => post({ type: 'progress', id: task.id, delta }) } };
  try {
    const output = await runStage(task.stage, task.input, ctx);
    post({ type: 'done', id: task.id, output });
  } catch (error) {
    const e = error as Error;
    post({ type: 'error', id: task.id, name: e?.name ?? 'Error', message: e?.message ?? String(error), stack: e?.stack, badInput: isBadInput(error) });
  }
});
