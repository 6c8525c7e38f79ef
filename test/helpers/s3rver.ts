/**
 * An in-process S3-protocol server (s3rver 3.7.1) for integration tests: random port, fresh temp directory,
 * the given buckets created up front. Paginated listing needs Node's --openssl-legacy-provider (vitest.config.ts).
 */
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Options } from '../../lib/store/types.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  httpServer: import('node:http').Server;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface RunningS3rver {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Options for createStore({ s3 }) that reach this server. */
  s3: S3Options;
  /** Every request the server received since the last call, as `METHOD /bucket/key` (query string dropped); clears the log. */
  takeRequests(): string[];
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Starts s3rver on a free port with the given buckets. */
export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'proxysel-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  let requests: string[] = [];
  server.httpServer.on('request', (req: import('node:http').IncomingMessage) => requests.push(`${req.method} ${decodeURIComponent((req.url ?? '').split('?')[0]!)}`));
  return {
    endpoint,
    s3: {
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
    takeRequests() {
      const out = requests;
      requests = [];
      return out;
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
