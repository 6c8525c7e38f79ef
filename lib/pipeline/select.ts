import { BadRecordLog, readDocs, writeJsonlGz, writeTextParquet } from '../corpus/index.ts';
import { materializeFormat } from '../job/spec.ts';
import { docHash, isSelected, makePolicy } from '../select/index.ts';
import { artifactKeys } from './artifacts.ts';
import { readProxyCard, type ProxyCard } from './card.ts';
import { resumable, unitFingerprint } from './markers.ts';
import { canonicalJson, readPlan, sha256 } from './plan-file.ts';
import { readOptionsFor } from './read-options.ts';
import type { ThresholdFile } from './reduce.ts';
import { readScoreFile, type ScoreRow } from './score-file.ts';
import type { ItemEvent, StageContext } from './types.ts';

/** selected/<item>.json: what one item contributed to the selection. */
export interface SelectItemOutput {
  item: string;
  /** The shard the documents come from, relative to the corpus prefix. */
  shard: string;
  docs: number;
  tokens: number;
  /** Key of the materialized documents (or of the row list), relative to the output prefix. */
  file: string;
}

/**
 * The rows of one item's score file that the threshold selects, and their tokens. The one place that applies a
 * threshold to scores: the select stage and the report both use it.
 */
export function selectedRows(
  rows: readonly ScoreRow[],
  item: string,
  threshold: ThresholdFile,
  card: Pick<ProxyCard, 'scoreQuantiles'>,
  seed: number,
): { rows: Set<number>; tokens: number } {
  const policy = makePolicy(threshold.policy, { seed, scoreQuantiles: card.scoreQuantiles });
  const chosen = new Set<number>();
  let tokens = 0;
  for (const r of rows) {
    if (isSelected(policy.key(r), { hash: docHash(r.id, seed), item, row: r.row }, threshold.threshold)) {
      chosen.add(r.row);
      tokens += r.tokens;
    }
  }
  return { rows: chosen, tokens };
}

/**
 * select: decides, per document of one item and from threshold.json alone, whether it is selected; writes the selected
 * documents as selected/<item>.jsonl.gz or selected/<item>.parquet ({id, text}: ready for a training loader), or their
 * rows and offsets when the spec does not materialize.
 */
export async function selectWorkItem(event: ItemEvent, ctx: StageContext): Promise<SelectItemOutput> {
  const run = await readPlan(ctx.store, event.plan);
  const spec = run.plan.spec;
  const item = event.item;
  const threshold = await ctx.store.readJson<ThresholdFile>(run.uri(artifactKeys.threshold));
  const fingerprint = unitFingerprint(run, 'select', item, sha256(canonicalJson(threshold)));
  return resumable(ctx, run, 'select', item.id, fingerprint, async () => {
    const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
    const rows = await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)));
    const { rows: chosen, tokens } = selectedRows(rows, item.id, threshold, card, spec.sample.seed);
    let file: string;
    const format = materializeFormat(spec.materialize);
    if (format) {
      file = artifactKeys.selected(item.id, format);
      const store = ctx.store;
      async function* selectedDocs(): AsyncIterable<{ id: string; text: string }> {
        for await (const batch of readDocs(store, item, readOptionsFor(spec, new BadRecordLog()))) {
          for (const d of batch) if (chosen.has(d.row)) yield { id: d.id, text: d.text };
          ctx.progress.add({ docs: batch.length });
        }
      }
      const write = format === 'parquet' ? writeTextParquet : writeJsonlGz;
      await write(ctx.store, run.uri(file), selectedDocs());
    } else {
      file = artifactKeys.selectedRows(item.id);
      const list = rows.filter((r) => chosen.has(r.row)).map((r) => ({ id: r.id, row: r.row, offset: r.offset }));
      await ctx.store.writeJson(run.uri(file), { item: item.id, shard: item.key, range: item.range ?? null, rows: list });
      ctx.progress.add({ docs: rows.length });
    }
    const out: SelectItemOutput = { item: item.id, shard: item.key, docs: chosen.size, tokens, file };
    await ctx.store.writeJson(run.uri(artifactKeys.selectedStats(item.id)), out);
    return out;
  });
}
