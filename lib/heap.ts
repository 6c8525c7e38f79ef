/**
 * The V8 young generation proxysel's stages run with. A stage allocates a few hundred MB per second of short-lived
 * strings and records (JSON.parse of every line) while each batch's documents stay alive until the batch is scored, so
 * every scavenge copies a batch's worth of survivors: with V8's default semi-space (it grows to 16 MiB on 64-bit) the
 * score stage spent about 0.30 of its 5.1 CPU-s in scavenges on a 191 MB bench shard, with 64 MiB about 0.14
 * (docs/performance.md, ninth round). The local runner's worker threads get it as resourceLimits, Lambda functions in
 * NODE_OPTIONS and the bench's child processes as a node flag; the CLI's own thread (`--workers 0`) keeps V8's default,
 * since a flag cannot be set once the process runs.
 */
export const SEMI_SPACE_MB = 64;

/** The node flag (for NODE_OPTIONS or a child's execArgv). */
export const SEMI_SPACE_FLAG = `--max-semi-space-size=${SEMI_SPACE_MB}`;

/** A worker thread's young generation limit: V8 sizes the young generation at three semi-spaces. */
export const WORKER_YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;
