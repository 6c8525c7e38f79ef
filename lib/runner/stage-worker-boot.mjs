// Entry of a stage worker thread: registers tsx's loader in this thread (a worker's execArgv `--import` is not
// honoured for loaders on Node 20), then loads the TypeScript worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./stage-worker.ts');
