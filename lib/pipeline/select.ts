import { BadRecordLog, readDocs, writeJsonlGz, writeTextParquet, type Doc } from '../corpus/index.ts';
import { materializeFormat, materializeFormats, materializeKeepsFields } from '../job/index.ts';
import { selectedRows } from '../select/index.ts';
import { artifactKeys, canonicalJson, countedTokensSchema, dedupSummaryHash, readPlan, readProxyCard, readScoreFile, removedRows, type SelectItemOutput, sha256, thresholdFileSchema } from '../run/index.ts';
import { type DeclaredUnit, digestObject, itemVersion, outputDigest, type Upstream } from './unit.ts';
import { readOptionsFor } from './read-options.ts';
import type { ItemEvent, StageContext } from './types.ts';
import { MissingInputError } from './errors.ts';
import { attributeKey, encodeAttributeFile } from './attributes.ts';

/** `{id, text}` and then the source record's other fields (a field named `id` or `text` there yields to ours). */
function withOtherFields(d: Doc): { id: string; text: string } {
  const out: Record<string, unknown> = { id: d.id, text: d.text };
  for (const [k, v] of Object.entries(d.fields ?? {})) if (k !== 'id' && k !== 'text') out[k] = v;
  return out as { id: string; text: string };
}

/**
 * select: decides, per document of one item and from threshold.json alone, whether it is selected; writes the selected
 * documents as selected/<item>.jsonl.gz or selected/<item>.parquet ({id, text}: ready for a training loader), or their
 * rows and offsets when the spec does not materialize. The selected documents' tokens are the count stage's
 * (budget/counts/<item>.tokens.json: exact where the reference tokenizer is local), summed here; every selected row
 * must have one.
 */
export async function selectWorkItemUnit(
  event: ItemEvent,
  ctx: StageContext,
  upstream: Upstream<'scored' | 'fitted'>,
): Promise<DeclaredUnit<SelectItemOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const spec = run.plan.spec;
  const item = event.item;
  const threshold = await ctx.store.readJson(run.uri(artifactKeys.threshold), thresholdFileSchema);
  const countedUri = run.uri(artifactKeys.countedTokens(item.id));
  const removed = await removedRows(ctx.store, run);
  const counted = await ctx.store.head(countedUri);
  const format = materializeFormat(spec.materialize);
  const unit = {
    unit: item.id,
    inputs: {
      item: itemVersion(item),
      threshold: sha256(canonicalJson(threshold)),
      counted: counted ? (await digestObject(ctx.store, countedUri)).sha256 : null,
      scores: outputDigest(await upstream.scored(run, item.id), artifactKeys.scores(item.id)),
      card: outputDigest(await upstream.fitted(run), artifactKeys.card),
      dedup: dedupSummaryHash(removed.summary),
    },
    outputs: [
      ...(format ? materializeFormats(spec.materialize).map((f) => artifactKeys.selected(item.id, f)) : [artifactKeys.selectedRows(item.id)]),
      artifactKeys.selectedStats(item.id),
      attributeKey(item),
    ],
  };
  return { run, ...unit, work: async () => {
    const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
    const rows = await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)));
    const gone = new Set((await removed.forItem(item.id)).rows);
    const { rows: chosen, tokens: estimatedTokens } = selectedRows(rows, item.id, threshold, card, spec.sample.seed, gone);
    let tokens = 0;
    let byRow = new Map<number, number>();
    if (counted) {
      const file = await ctx.store.readJson(countedUri, countedTokensSchema);
      byRow = new Map(file.rows.map((row, i) => [row, file.tokens[i]!]));
    }
    // The attribute file: every document's score, tokens and fate, by id, beside the source shard's name.
    await ctx.store.write(run.uri(attributeKey(item)), encodeAttributeFile(rows, { selected: chosen, duplicate: gone, exactTokens: byRow }, spec.exactTokens));
    if (chosen.size > 0) {
      for (const row of chosen) {
        const t = byRow.get(row);
        if (t === undefined) throw new MissingInputError(`select: ${countedUri} has no count for selected row ${row} of item ${item.id}: run the count stage for this threshold`);
        tokens += t;
      }
    }
    let file: string;
    const format = materializeFormat(spec.materialize);
    if (format) {
      file = artifactKeys.selected(item.id, format);
      const store = ctx.store;
      const keepFields = materializeKeepsFields(spec.materialize);
      // One read of the shard per format: a selection is a small share of the item, and the formats are few.
      async function* selectedDocs(withFields: boolean): AsyncIterable<{ id: string; text: string }> {
        for await (const batch of readDocs(store, item, { ...readOptionsFor(spec, new BadRecordLog()), keepFields: withFields })) {
          for (const d of batch) if (chosen.has(d.row)) yield withFields ? withOtherFields(d) : { id: d.id, text: d.text };
          ctx.progress.add({ docs: batch.length });
        }
      }
      for (const f of materializeFormats(spec.materialize)) {
        if (f === 'parquet') await writeTextParquet(ctx.store, run.uri(artifactKeys.selected(item.id, f)), selectedDocs(false));
        else await writeJsonlGz(ctx.store, run.uri(artifactKeys.selected(item.id, f)), selectedDocs(keepFields));
      }
    } else {
      file = artifactKeys.selectedRows(item.id);
      const list = rows.filter((r) => chosen.has(r.row)).map((r) => ({ id: r.id, row: r.row, offset: r.offset }));
      await ctx.store.writeJson(run.uri(file), { item: item.id, shard: item.key, range: item.range ?? null, rows: list });
      ctx.progress.add({ docs: rows.length });
    }
    const failingRules = { docs: 0, estimatedTokens: 0 };
    for (const r of rows) {
      if (r.rules !== 0 && chosen.has(r.row)) {
        failingRules.docs += 1;
        failingRules.estimatedTokens += r.tokens;
      }
    }
    const out: SelectItemOutput = { item: item.id, shard: item.key, docs: chosen.size, tokens, estimatedTokens, file, failingRules };
    await ctx.store.writeJson(run.uri(artifactKeys.selectedStats(item.id)), out);
    return out;
  } };
}
