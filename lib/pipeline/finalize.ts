import { BadRecordLog } from '../corpus/index.ts';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import { artifactKeys, type DedupSummary, itemHistogramFileSchema, readDedupSummary, readItems, readPlan, readProxyCard, referenceStatsSchema, selectedStatsSchema, thresholdFileSchema } from '../run/index.ts';
import type { PlanRef, StageContext } from './types.ts';
import { StaleInputError } from './errors.ts';

export interface FinalizeOutput {
  manifest: string;
  selected: { docs: number; tokens: number };
}

/** The summary's fields the manifest carries (the per-item list stays in dedup/summary.json). */
function withoutItemList({ itemsWithRemovals: _items, ...rest }: DedupSummary): Omit<DedupSummary, 'itemsWithRemovals'> {
  return rest;
}

/** Bad-record examples kept in the manifest (per file, the log keeps its first few). */
const MANIFEST_BAD_EXAMPLES = 50;

/**
 * finalize: gathers the run's figures into manifest.json (deterministic: no times, hosts or output location). The
 * report stage renders report.html from it and writes _SUCCESS.
 */
export async function finalizeJob(event: PlanRef, ctx: StageContext): Promise<FinalizeOutput> {
  const run = await readPlan(ctx.store, event.plan);
  const { plan } = run;
  const spec = plan.spec;
  const items = await readItems(ctx.store, run);
  const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
  const threshold = await ctx.store.readJson(run.uri(artifactKeys.threshold), thresholdFileSchema);
  const reference = await ctx.store.readJson(run.uri(artifactKeys.referenceStats), referenceStatsSchema);

  const bad = new BadRecordLog();
  let docs = 0;
  let textBytes = 0;
  let tokens = 0;
  const shards: Manifest['selected']['shards'] = [];
  let selectedDocs = 0;
  let selectedTokens = 0;
  let selectedEstimated = 0;
  const skippedShards: { shard: string; problem: string }[] = [];
  for (const item of items) {
    const hist = await ctx.store.readJson(run.uri(artifactKeys.histogram(item.id)), itemHistogramFileSchema);
    const unreadable = hist.badRecords.examples.filter((ex) => ex.reason === 'unreadable-shard');
    for (const ex of unreadable) skippedShards.push({ shard: ex.file, problem: ex.message });
    if (unreadable.length === 0 && (hist.badRecords.byReason['unreadable-shard'] ?? 0) > 0) {
      skippedShards.push({ shard: item.key, problem: `${item.key}: unreadable; the rest of the shard is skipped (corpus.onBadShard "skip")` });
    }
    docs += hist.docs;
    textBytes += hist.textBytes;
    tokens += hist.tokens;
    bad.merge(BadRecordLog.fromJSON(hist.badRecords));
    const sel = await ctx.store.readJson(run.uri(artifactKeys.selectedStats(item.id)), selectedStatsSchema);
    selectedDocs += sel.docs;
    selectedTokens += sel.tokens;
    selectedEstimated += sel.estimatedTokens;
    if (sel.docs > 0) {
      shards.push({ item: sel.item, shard: sel.shard, file: sel.file, docs: sel.docs, tokens: sel.tokens, estimatedTokens: sel.estimatedTokens });
    }
  }
  if (selectedDocs !== threshold.threshold.expected.docs || (threshold.tokenCount === 'exact' && selectedTokens !== threshold.threshold.expected.tokens)) {
    throw new StaleInputError(
      `finalize: the selection holds ${selectedDocs} documents, ${selectedTokens} tokens, but threshold.json expects ` +
        `${threshold.threshold.expected.docs} and ${threshold.threshold.expected.tokens} (selected/ is stale: run select again)`,
    );
  }
  const badJson = bad.toJSON();
  const dedupSummary = await readDedupSummary(ctx.store, run);
  const budget = threshold.budget;
  const manifest: Manifest = {
    version: 1,
    name: plan.name,
    specHash: plan.specHash,
    corpus: {
      shards: plan.corpus.shards,
      items: plan.corpus.items,
      docs,
      textBytes,
      tokens,
      tokenCount: spec.exactTokens ? 'exact' : 'estimate',
      badRecords: { count: badJson.count, byReason: badJson.byReason, examples: badJson.examples.slice(0, MANIFEST_BAD_EXAMPLES) },
      ...(skippedShards.length > 0 ? { skippedShards } : {}),
    },
    budget: {
      form: budget.form,
      unit: budget.unit,
      tokens: budget.unit === 'tokens' ? budget.amount : null,
      docs: budget.unit === 'docs' ? budget.amount : null,
      ...(budget.fraction !== undefined ? { fraction: budget.fraction } : {}),
      ...(budget.flops !== undefined ? { flops: budget.flops, modelParams: budget.modelParams } : {}),
    },
    sample: { docs: reference.docs, seed: spec.sample.seed },
    reference: {
      kind: spec.reference.kind,
      docs: reference.docs,
      tokens: reference.tokens,
      bytes: reference.bytes,
      meanLoss: reference.meanLoss,
      meanLossPerByte: reference.meanLossPerByte,
      ...(reference.meanSmallLoss !== undefined ? { meanSmallLoss: reference.meanSmallLoss } : {}),
      ...(reference.meanSmallLossPerByte !== undefined ? { meanSmallLossPerByte: reference.meanSmallLossPerByte } : {}),
    },
    proxy: {
      kind: card.kind,
      target: card.target,
      lossUnit: card.lossUnit,
      members: card.members,
      ...(card.training.deployedOn !== undefined ? { trainedOnLabels: card.training.deployedOn } : {}),
      fidelity: {
        spearman: card.fidelity.spearman,
        pearson: card.fidelity.pearson,
        r2: card.fidelity.r2,
        topKAgreement: card.fidelity.topKAgreement,
        topKFraction: card.fidelity.topKFraction,
        heldOut: card.fidelity.n,
      },
      ...(card.learningCurve ? { learningCurve: card.learningCurve } : {}),
      spreadCalibration: card.spreadCalibration,
      tokenEstimates: {
        model: card.tokens.model.kind,
        fittedOn: card.tokens.fittedOn,
        heldOut: card.tokens.heldOut,
        byPolicy: card.tokens.byPolicy,
        singleRatio: { tokensPerByte: card.tokens.singleRatio.tokensPerByte, heldOut: card.tokens.singleRatio.heldOut },
      },
    },
    policy: threshold.policy,
    threshold: threshold.threshold,
    selected: {
      docs: selectedDocs,
      tokens: selectedTokens,
      tokenCount: threshold.tokenCount,
      estimatedTokens: selectedEstimated,
      budgetFill: budget.amount > 0 ? (budget.unit === 'docs' ? selectedDocs : selectedTokens) / budget.amount : 0,
      estimatedBudgetFill: budget.amount > 0 ? (budget.unit === 'docs' ? selectedDocs : selectedEstimated) / budget.amount : 0,
      estimateOnly: {
        docs: threshold.estimateOnly.threshold.expected.docs,
        estimatedTokens: threshold.estimateOnly.threshold.expected.tokens,
        tokens: threshold.estimateOnly.tokens,
      },
      countPasses: threshold.passes,
      shareOfCorpusTokens: tokens > 0 ? selectedEstimated / tokens : 0,
      shards,
    },
    ...(dedupSummary ? { dedup: { ...withoutItemList(dedupSummary), tokensEstimated: !spec.exactTokens } } : {}),
    artifacts: {
      plan: artifactKeys.plan,
      sample: artifactKeys.sample,
      labels: artifactKeys.labels,
      model: artifactKeys.model,
      card: artifactKeys.card,
      threshold: artifactKeys.threshold,
      estimate: artifactKeys.estimate,
      scores: 'scores/',
      ...(dedupSummary ? { dedup: artifactKeys.dedupSummary } : {}),
      selected: 'selected/',
      report: artifactKeys.report,
    },
  };
  if (skippedShards.length > 0) {
    ctx.log.warn(`skipped ${skippedShards.length} unreadable shard(s) (corpus.onBadShard "skip"): ${skippedShards.map((s) => s.problem).join('; ')}`);
  }
  const valid = manifestSchema.parse(manifest);
  const uri = run.uri(artifactKeys.manifest);
  await ctx.store.writeJson(uri, valid);
  ctx.log.info(`finalize: selected ${selectedDocs} documents, ${selectedTokens} tokens (${threshold.tokenCount === 'exact' ? 'exact' : 'estimated'})`);
  return { manifest: uri, selected: { docs: selectedDocs, tokens: selectedTokens } };
}
