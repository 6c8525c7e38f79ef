import { BadRecordLog, readDocs } from '../corpus/index.ts';
import { cachedTokenCounter, tokenizerFile } from '../reference/index.ts';
import { binOf, docHash, isSelected, makePolicy, policyOptions } from '../select/index.ts';
import { artifactKeys, canonicalJson, type CountedTokens, countedTokensSchema, type EstimateFile, estimateFileSchema, type ItemCounts, readPlan, readProxyCard, readScoreFile, removedRows, type RunFiles, sha256 } from '../run/index.ts';
import { type DeclaredUnit, itemVersion, outputDigest, type Upstream } from './unit.ts';
import { readOptionsFor } from './read-options.ts';
import type { ItemEvent, StageContext } from './types.ts';
import type { WorkItem } from '../corpus/index.ts';
import { MissingInputError, StaleInputError } from './errors.ts';

export interface CountItemOutput {
  item: string;
  /** Candidate documents (up to the upper cut) and how many of them were tokenized in this pass. */
  candidates: number;
  tokenized: number;
}

async function etagOf(ctx: StageContext, uri: string | undefined): Promise<string | null> {
  if (uri === undefined) return null;
  const head = await ctx.store.head(uri);
  if (!head) throw new MissingInputError(`count: ${uri} does not exist`);
  return head.etag;
}

/** What a counted-tokens file's counts depend on: the item's version, the reference and its tokenizer, the read options. */
async function countSource(ctx: StageContext, run: RunFiles, item: WorkItem): Promise<string> {
  const spec = run.plan.spec;
  return sha256(
    canonicalJson({
      item: { id: item.id, etag: item.etag, size: item.size, range: item.range ?? null },
      reference: spec.reference,
      tokenizer: await etagOf(ctx, tokenizerFile(spec.reference)),
      corpus: spec.corpus,
    }),
  ).slice(0, 24);
}

async function countCandidates(ctx: StageContext, run: RunFiles, item: WorkItem, estimate: EstimateFile, source: string): Promise<CountItemOutput> {
  const spec = run.plan.spec;
  const seed = spec.sample.seed;
  const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
  const policy = makePolicy(estimate.policy, policyOptions(card, seed));
  const rows = await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)));
  const gone = new Set((await (await removedRows(ctx.store, run)).forItem(item.id)).rows);
  const candidates: { row: number; bin: number; hash: number; estimated: number; certain: boolean }[] = [];
  for (const r of rows) {
    if (gone.has(r.row)) continue; // removed as a duplicate: never selected, never counted
    const key = policy.key(r);
    const order = { hash: docHash(r.id, seed), item: item.id, row: r.row };
    if (!isSelected(key, order, estimate.upper)) continue;
    candidates.push({ row: r.row, bin: binOf(key!), hash: order.hash, estimated: r.tokens, certain: isSelected(key, order, estimate.lower) });
  }

  // Exact counts: the scores' own when they are exact or no tokenizer is local; else the reference tokenizer's, reusing
  // the counts an earlier pass over this item version made.
  const counted = new Map<number, number>();
  const keepEstimates = estimate.tokenCount === 'estimate' || spec.exactTokens;
  let tokenized = 0;
  if (keepEstimates) for (const c of candidates) counted.set(c.row, c.estimated);
  else {
    const countedUri = run.uri(artifactKeys.countedTokens(item.id));
    if (await ctx.store.exists(countedUri)) {
      const previous = await ctx.store.readJson(countedUri, countedTokensSchema).catch(() => undefined);
      if (previous && previous.source === source && previous.exact) previous.rows.forEach((row, i) => counted.set(row, previous.tokens[i]!));
    }
    const missing = new Set(candidates.filter((c) => !counted.has(c.row)).map((c) => c.row));
    if (missing.size > 0) {
      const counter = await cachedTokenCounter(spec.reference, { store: ctx.store });
      for await (const batch of readDocs(ctx.store, item, readOptionsFor(spec, new BadRecordLog()))) {
        for (const d of batch) {
          if (!missing.has(d.row)) continue;
          counted.set(d.row, counter.count(d.text));
          tokenized += 1;
        }
        ctx.progress.add({ docs: batch.length });
      }
      const lost = [...missing].filter((row) => !counted.has(row));
      if (lost.length > 0) throw new StaleInputError(`count: item ${item.id}: rows ${lost.slice(0, 5).join(', ')} of the scores are not in the shard any more (was it rewritten?)`);
    }
  }

  const allRows = [...counted.keys()].sort((a, b) => a - b);
  const file: CountedTokens = { item: item.id, source, exact: estimate.tokenCount === 'exact', rows: allRows, tokens: allRows.map((r) => counted.get(r)!) };
  await ctx.store.writeJson(run.uri(artifactKeys.countedTokens(item.id)), file);
  const counts: ItemCounts = { item: item.id, exact: file.exact, certain: { docs: 0, tokens: 0, estimatedTokens: 0 }, region: [] };
  for (const c of candidates) {
    const t = counted.get(c.row)!;
    if (c.certain) {
      counts.certain.docs += 1;
      counts.certain.tokens += t;
      counts.certain.estimatedTokens += c.estimated;
    } else counts.region.push([c.bin, c.hash, c.row, t, c.estimated]);
  }
  await ctx.store.writeJson(run.uri(artifactKeys.counts(item.id)), counts);
  return { item: item.id, candidates: candidates.length, tokenized };
}

/**
 * count: the exact tokens of one item's candidate documents (those up to the upper cut of budget/estimate.json), with
 * the reference tokenizer where it is local (ngram, onnx tokenizer.json); writes budget/counts/<item>.json (the
 * boundary region's documents one by one, the rest summed) and budget/counts/<item>.tokens.json (every candidate's).
 */
export async function countWorkItemUnit(
  event: ItemEvent,
  ctx: StageContext,
  upstream: Upstream<'scored' | 'fitted'>,
): Promise<DeclaredUnit<CountItemOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const item = event.item;
  const estimate = await ctx.store.readJson(run.uri(artifactKeys.estimate), estimateFileSchema);
  const source = await countSource(ctx, run, item);
  const inputs = {
    estimate: sha256(canonicalJson(estimate)),
    scores: outputDigest(await upstream.scored(run, item.id), artifactKeys.scores(item.id)),
    card: outputDigest(await upstream.fitted(run), artifactKeys.card),
    source,
  };
  const unit = {
    unit: item.id,
    inputs: { item: itemVersion(item), ...inputs },
    outputs: [artifactKeys.counts(item.id), artifactKeys.countedTokens(item.id)],
  };
  return { run, ...unit, work: () => countCandidates(ctx, run, item, estimate, source) };
}
