/** Writes the demo documents as the ten shards of `corpus/`, planting exactly three bad records. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { DemoDoc, DemoShardInfo, PlantedBadRecord } from './types.ts';

/** Shard names, in order: eight gzip JSONL shards, one plain JSONL (splittable into byte ranges), one Parquet. */
export const SHARD_FILES: readonly string[] = [
  ...Array.from({ length: 8 }, (_, i) => `part-${String(i).padStart(4, '0')}.jsonl.gz`),
  'part-0008.jsonl',
  'part-0009.parquet',
];

/** Where the bad records go: shard index and the bad line itself (given its 1-based line number). */
const PLANTED: ReadonlyArray<{ shard: number; reason: PlantedBadRecord['reason']; line: (lineNumber: number) => string }> = [
  // A record cut off mid-write.
  { shard: 2, reason: 'invalid-json', line: () => `{"id":"bad-0001","text":"This record was cut off in the middle of a wri` },
  // Missing text field (the text sits under another name).
  { shard: 5, reason: 'missing-text', line: () => JSON.stringify({ id: 'bad-0002', body: 'The text of this record is under the wrong field.' }) },
  // Non-string text.
  { shard: 8, reason: 'non-string-text', line: () => JSON.stringify({ id: 'bad-0003', text: 12345 }) },
];

/** One JSONL record: exactly the fields id and text (category, source and url go to the labels file). */
export function jsonLine(doc: DemoDoc): string {
  return JSON.stringify({ id: doc.id, text: doc.text });
}

/** Deterministic gzip: Node writes mtime 0 and a fixed OS byte, so the same input gives the same bytes. */
export function gzipDeterministic(data: string | Buffer): Buffer {
  return gzipSync(data, { level: 6 });
}

/**
 * Splits `docs` (already in their final order) into the ten shards in contiguous blocks and writes them
 * under `corpusDir`. A bad record goes in the middle of its shard.
 */
export async function writeShards(corpusDir: string, docs: readonly DemoDoc[]): Promise<{ files: DemoShardInfo[]; badRecords: PlantedBadRecord[] }> {
  const files: DemoShardInfo[] = [];
  const badRecords: PlantedBadRecord[] = [];
  const n = SHARD_FILES.length;
  for (let s = 0; s < n; s++) {
    const file = SHARD_FILES[s]!;
    const part = docs.slice(Math.floor((s * docs.length) / n), Math.floor(((s + 1) * docs.length) / n));
    let bytes: Buffer;
    if (file.endsWith('.parquet')) {
      bytes = Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: part.map((d) => d.id), type: 'STRING' },
            { name: 'text', data: part.map((d) => d.text), type: 'STRING' },
          ],
          rowGroupSize: 1000,
        }),
      );
    } else {
      const lines = part.map(jsonLine);
      const planted = PLANTED.find((p) => p.shard === s);
      if (planted) {
        const at = Math.floor(lines.length / 2);
        lines.splice(at, 0, planted.line(at + 1));
        badRecords.push({ file, line: at + 1, reason: planted.reason });
      }
      const text = lines.join('\n') + '\n';
      bytes = file.endsWith('.gz') ? gzipDeterministic(text) : Buffer.from(text, 'utf8');
    }
    await writeFile(join(corpusDir, file), bytes);
    files.push({ file, docs: part.length, fileBytes: bytes.length });
  }
  return { files, badRecords };
}
