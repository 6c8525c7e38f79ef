import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactKeys, INTERMEDIATE_TAG, intermediateArtifactTags, intermediatePrefixes } from '../../lib/run/index.ts';
import { createStore } from '../../lib/store/index.ts';

const TAGGED = { [INTERMEDIATE_TAG.key]: INTERMEDIATE_TAG.value };

describe('intermediateArtifactTags', () => {
  const out = 's3://data/selections/run-1/';
  it('tags what only a running job needs, and keeps what proxysel select and a join by id need as long as the run', () => {
    const expiring = [
      artifactKeys.samplePart('00003'),
      artifactKeys.sample,
      artifactKeys.sampleStats,
      artifactKeys.referencePart(2),
      artifactKeys.referenceStats,
      artifactKeys.signatures('00003'),
      artifactKeys.bands('00003'),
      artifactKeys.dedupPairs(1),
      artifactKeys.dedupGroup(1),
      artifactKeys.dedupMerged(1),
      artifactKeys.dedupRemovals(1),
      artifactKeys.estimate,
      artifactKeys.counts('00003'),
      artifactKeys.countedTokens('00003'),
    ];
    const kept = [
      artifactKeys.plan,
      artifactKeys.items,
      artifactKeys.contentCache,
      artifactKeys.dedupPartitions,
      artifactKeys.dedupGroups,
      artifactKeys.dedupMerges,
      artifactKeys.labels,
      artifactKeys.model,
      artifactKeys.card,
      artifactKeys.scores('00003'),
      artifactKeys.histogram('00003'),
      artifactKeys.dedupRemoved('00003'),
      artifactKeys.dedupSummary,
      'plan/done/score/00003.json',
      'plan/done/fit/all.json',
      artifactKeys.threshold,
      artifactKeys.selected('00003'),
      artifactKeys.manifest,
    ];
    for (const key of expiring) expect({ key, tags: intermediateArtifactTags(out + key) }).toEqual({ key, tags: TAGGED });
    for (const key of kept) expect({ key, tags: intermediateArtifactTags(out + key) }).toEqual({ key, tags: undefined });
    // Every artifact key is in one list or the other.
    const all: string[] = Object.values(artifactKeys).map((k) => (typeof k === 'function' ? (k as (x: never) => string)('00003' as never) : k));
    for (const key of all) if (intermediatePrefixes.some((p) => key.startsWith(p))) expect([...expiring, ...kept, artifactKeys.dedupPairs(3), artifactKeys.dedupGroup(3), artifactKeys.dedupMerged(3), artifactKeys.dedupRemovals(3), artifactKeys.referencePart(3)]).toContain(key);
  });

  it('never tags a manifest or a selection whose output prefix contains an intermediate folder name', () => {
    for (const prefix of ['s3://data/plan/', 's3://data/scores/sample/', '/tmp/reference/plan/']) {
      for (const key of [artifactKeys.manifest, artifactKeys.selected('00001'), artifactKeys.model, artifactKeys.plan, artifactKeys.success]) {
        expect(intermediateArtifactTags(prefix + key)).toBeUndefined();
      }
    }
  });
});

describe('write tags', () => {
  let server: Server;
  let endpoint: string;
  const puts: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    // A minimal PutObject endpoint that records the request headers (s3rver ignores x-amz-tagging on PUT).
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        puts.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(200, { ETag: '"0"' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the S3 Tagging header for tagged writes (buffers and streams), and none otherwise', async () => {
    const store = createStore({
      s3: { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' }, maxAttempts: 1 },
      tagsFor: intermediateArtifactTags,
    });
    await store.write('s3://data/out/scores/00001.bands', Buffer.from('x'));
    await store.writeJson('s3://data/out/manifest.json', { a: 1 });
    await store.write('s3://data/out/sample/part-00001.jsonl.gz', Readable.from([Buffer.from('y')]));
    await store.write('s3://data/out/manifest.json', 'z', { tags: { team: 'a b' } });
    const tagging = (path: string) => puts.filter((p) => p.url.startsWith(path)).map((p) => p.headers['x-amz-tagging']);
    expect(tagging('/data/out/scores/00001.bands')).toEqual(['proxysel%3Aartifact=intermediate']);
    // A streamed write goes through lib-storage's Upload, which sets the tags with PutObjectTagging once uploaded.
    const streamed = puts.filter((p) => p.url.startsWith('/data/out/sample/part-00001.jsonl.gz'));
    expect(streamed.map((p) => p.url.includes('tagging'))).toEqual([false, true]);
    expect(streamed[1]!.body).toMatch(/<Key>proxysel:artifact<\/Key><Value>intermediate<\/Value>/);
    expect(tagging('/data/out/manifest.json')).toEqual([undefined, 'team=a+b']);
  });

  it('are ignored by the local backend', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxysel-tags-'));
    try {
      const store = createStore({ tagsFor: intermediateArtifactTags });
      await store.write(join(dir, 'scores', 'a.hist.json'), '{}', { tags: TAGGED });
      expect(await readFile(join(dir, 'scores', 'a.hist.json'), 'utf8')).toBe('{}');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
