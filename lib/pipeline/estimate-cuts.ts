import { hasLocalTokenizer } from '../reference/index.ts';
import { MAX_REGION_ATTEMPT, regionMargin, resolveBudget } from '../job/index.ts';
import { docHash, KeyHistogram, makePolicy, policyOptions, binOf, cutsAround, planThreshold, type BoundaryCandidate, type Threshold } from '../select/index.ts';
import { artifactKeys, type CorpusTotals, type EstimateFile, itemHistogramFileSchema, readItems, readProxyCard, readScoreFile, type RemovedFile, removedRows, type RunFiles } from '../run/index.ts';
import type { WorkItem } from '../corpus/index.ts';
import type { StageContext } from './types.ts';

type Policy = ReturnType<typeof makePolicy>;

export { MAX_REGION_ATTEMPT };

/**
 * An item's histogram as score stored it for the spec's policy, with the duplicates dedup removed taken back out of it
 * (or out of the excluded); adds the item to the corpus totals.
 */
async function storedHistogram(ctx: StageContext, run: RunFiles, item: string, gone: RemovedFile, corpus: CorpusTotals): Promise<KeyHistogram> {
  const histUri = run.uri(artifactKeys.histogram(item));
  const file = await ctx.store.readJson(histUri, itemHistogramFileSchema);
  const hist = KeyHistogram.fromJSON(file.histogram, histUri);
  corpus.docs += file.docs;
  corpus.tokens += file.tokens;
  corpus.excludedDocs += file.excluded.docs;
  corpus.excludedTokens += file.excluded.tokens;
  // Duplicates were counted by the score stage; take them back out of the histogram (or of the excluded).
  gone.rows.forEach((_, i) => {
    const key = gone.keys[i]!;
    const tokens = gone.tokens[i]!;
    if (key === null) {
      corpus.excludedDocs -= 1;
      corpus.excludedTokens -= tokens;
    } else hist.remove(key, tokens);
    corpus.removedDocs += 1;
    corpus.removedTokens += tokens;
  });
  return hist;
}

/** An item's histogram for another policy, recomputed from its stored scores without the removed rows; adds the item to the corpus totals. */
async function recomputedHistogram(
  ctx: StageContext,
  run: RunFiles,
  item: string,
  goneRows: ReadonlySet<number>,
  policy: Policy,
  corpus: CorpusTotals,
): Promise<KeyHistogram> {
  const hist = new KeyHistogram();
  for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item)))) {
    corpus.docs += 1;
    corpus.tokens += r.tokens;
    if (goneRows.has(r.row)) {
      corpus.removedDocs += 1;
      corpus.removedTokens += r.tokens;
      continue;
    }
    const key = policy.key(r);
    if (key === null) {
      corpus.excludedDocs += 1;
      corpus.excludedTokens += r.tokens;
    } else hist.add(key, r.tokens);
  }
  return hist;
}

/** Every document of one key bin, read back from the score files of the items that have any (once per bin). */
function binReader(
  ctx: StageContext,
  run: RunFiles,
  at: { items: readonly WorkItem[]; perItem: ReadonlyMap<string, KeyHistogram>; removedOf: ReadonlyMap<string, ReadonlySet<number>>; policy: Policy; seed: number },
): (bin: number) => Promise<BoundaryCandidate[]> {
  const bins = new Map<number, Promise<BoundaryCandidate[]>>();
  return (bin) => {
    let entry = bins.get(bin);
    if (!entry) {
      entry = (async () => {
        const out: BoundaryCandidate[] = [];
        for (const item of at.items) {
          if (!at.perItem.get(item.id)!.hasBin(bin)) continue;
          const goneRows = at.removedOf.get(item.id)!;
          for (const r of await readScoreFile(ctx.store, run.uri(artifactKeys.scores(item.id)))) {
            if (goneRows.has(r.row)) continue;
            const key = at.policy.key(r);
            if (key !== null && binOf(key) === bin) out.push({ hash: docHash(r.id, at.seed), item: item.id, row: r.row, tokens: r.tokens });
          }
        }
        return out;
      })();
      bins.set(bin, entry);
    }
    return entry;
  };
}

/**
 * Merges the histograms (the stored ones when the policy is the spec's; else recomputed from the stored scores), finds
 * the cuts on estimated tokens at the budget and at (1 -/+ margin) of it, reading back only the boundary bins'
 * documents, and writes budget/estimate.json.
 */
export async function estimateCuts(ctx: StageContext, run: RunFiles, input: EstimateFile['input'], attempt: number): Promise<EstimateFile> {
  const spec = run.plan.spec;
  const policySpec = input.policy ?? spec.policy;
  const planBudget = input.budget ?? run.plan.budget;
  const items = await readItems(ctx.store, run);
  const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
  const seed = spec.sample.seed;
  const policy = makePolicy(policySpec, policyOptions(card, seed));

  const merged = new KeyHistogram();
  const perItem = new Map<string, KeyHistogram>();
  const corpus: CorpusTotals = { docs: 0, tokens: 0, excludedDocs: 0, excludedTokens: 0, removedDocs: 0, removedTokens: 0 };
  const removed = await removedRows(ctx.store, run);
  const removedOf = new Map<string, Set<number>>();
  for (const item of items) {
    const gone = await removed.forItem(item.id);
    const goneRows = new Set(gone.rows);
    removedOf.set(item.id, goneRows);
    const hist =
      input.policy === undefined
        ? await storedHistogram(ctx, run, item.id, gone, corpus)
        : await recomputedHistogram(ctx, run, item.id, goneRows, policy, corpus);
    perItem.set(item.id, hist);
    merged.merge(hist);
    ctx.progress.add({ docs: 0 });
  }

  const budget = resolveBudget(planBudget, corpus.tokens);
  const tokenCount = spec.exactTokens || hasLocalTokenizer(spec.reference) ? 'exact' : 'estimate';
  const countsMoveTheCut = budget.unit === 'tokens' && tokenCount === 'exact' && !spec.exactTokens;
  const margin = countsMoveTheCut ? regionMargin(card, attempt) : 0;
  const binCandidates = binReader(ctx, run, { items, perItem, removedOf, policy, seed });
  const cuts: Threshold[] = [];
  for (const cut of cutsAround(budget, margin, policy)) cuts.push(await planThreshold(merged, cut.budget, cut.policy, binCandidates));
  const [estimate, lower, upper] = cuts as [Threshold, Threshold, Threshold];
  const file: EstimateFile = {
    input,
    policy: policySpec,
    budget,
    corpus,
    tokenCount,
    attempt,
    margin: Number.isFinite(margin) ? margin : null,
    estimate,
    lower,
    upper,
  };
  await ctx.store.writeJson(run.uri(artifactKeys.estimate), file);
  return file;
}
