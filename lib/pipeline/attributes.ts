/**
 * Attribute files (Dolma's layout): per source shard, one row per good document, keyed by the document's id, with one
 * column per thing proxysel decided about it, so a user joins them back to the corpus with any parquet reader:
 * `attributes/<shard path without its extension>.parquet` (a byte-range item of a large shard adds `.part-<start>`).
 *
 * Columns: `id`; `score` and `score_std` (the proxy's prediction and the ensemble's spread, in the run's loss unit);
 * `tokens_estimated` (the token-count model's estimate) and `tokens_exact` (the reference tokenizer's count, null
 * where the count stage did not count the document; with `exactTokens: true` only `tokens_exact`, every one counted); `selected`; `duplicate` (removed by dedup in favour of a kept
 * copy); `rules` (the quality-rule outcome bits, where the score file has them).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { WorkItem } from '../corpus/index.ts';
import type { ScoreRow } from '../run/index.ts';

const FORMAT_EXTENSION = /\.(jsonl\.gz|jsonl\.zst|jsonl|parquet)$/;

/** The attribute file's key of one work item, relative to the output prefix. */
export function attributeKey(item: Pick<WorkItem, 'key' | 'range'>): string {
  const base = item.key.replace(FORMAT_EXTENSION, '');
  return `attributes/${base}${item.range ? `.part-${item.range.start}` : ''}.parquet`;
}

/** The attribute file of one item's documents, as parquet bytes. */
export function encodeAttributeFile(
  rows: readonly ScoreRow[],
  decided: { selected: ReadonlySet<number>; duplicate: ReadonlySet<number>; exactTokens: ReadonlyMap<number, number> },
  /** True when the score file's tokens are themselves exact counts (`exactTokens: true`). */
  scoreTokensExact = false,
): Uint8Array {
  const rules = rows.map((r) => (r as { rules?: unknown }).rules);
  const hasRules = rules.length > 0 && rules.every((v) => typeof v === 'number');
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((r) => r.id), type: 'STRING', nullable: false },
      { name: 'score', data: rows.map((r) => r.score), type: 'FLOAT', nullable: false },
      { name: 'score_std', data: rows.map((r) => r.std), type: 'FLOAT', nullable: false },
      ...(scoreTokensExact
        ? [{ name: 'tokens_exact', data: rows.map((r) => r.tokens), type: 'INT32' as const, nullable: false }]
        : [
            { name: 'tokens_estimated', data: rows.map((r) => r.tokens), type: 'INT32' as const, nullable: false },
            { name: 'tokens_exact', data: rows.map((r) => decided.exactTokens.get(r.row) ?? null), type: 'INT32' as const, nullable: true },
          ]),
      { name: 'selected', data: rows.map((r) => decided.selected.has(r.row)), type: 'BOOLEAN', nullable: false },
      { name: 'duplicate', data: rows.map((r) => decided.duplicate.has(r.row)), type: 'BOOLEAN', nullable: false },
      ...(hasRules ? [{ name: 'rules', data: rules as number[], type: 'INT32' as const, nullable: false }] : []),
    ],
    createdBy: 'proxysel',
  });
  return new Uint8Array(buffer);
}
