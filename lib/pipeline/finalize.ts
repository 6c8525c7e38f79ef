import { BadRecordLog, type WorkItem } from '../corpus/index.ts';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import {
  addExclusions,
  artifactKeys,
  type DedupSummary,
  emptyExclusions,
  type Exclusions,
  itemHistogramFileSchema,
  type ProxyCard,
  readDedupSummary,
  readItems,
  readPlan,
  readProxyCard,
  type ReferenceStats,
  referenceStatsSchema,
  RuleTally,
  type RunFiles,
  selectedStatsSchema,
  type ThresholdFile,
  thresholdFileSchema,
} from '../run/index.ts';
import type { PlanRef, StageContext } from './types.ts';
import { manifestBudget, type JobSpec } from '../job/index.ts';
import { resolveRules, RULE_BY_NAME, RULES, type RuleName } from '../rules/index.ts';
import { StaleInputError } from './errors.ts';

export interface FinalizeOutput {
  manifest: string;
  selected: { docs: number; tokens: number };
}

/** The summary's fields the manifest carries (the per-item list stays in dedup/summary.json). */
function withoutItemList({ itemsWithRemovals: _items, ...rest }: DedupSummary): Omit<DedupSummary, 'itemsWithRemovals'> {
  return rest;
}

/** Example ids per quality rule kept in the manifest. */
const MANIFEST_RULE_EXAMPLES = 5;

/** The manifest's quality section (see manifestQualitySchema). */
function qualitySection(
  spec: JobSpec,
  tally: RuleTally,
  excluded: Exclusions,
  t: { tokens: number; selectionFailing: { docs: number; tokens: number }; selectedEstimated: number },
): Manifest['quality'] {
  const compiled = resolveRules(spec.rules);
  const mode = compiled.mask === 0 ? 'off' : 'filter';
  const evaluated = compiled.mask;
  const totals = tally.toJSON();
  const corpusShare = t.tokens > 0 ? totals.failedAny.tokens / t.tokens : 0;
  const selectionShare = t.selectedEstimated > 0 ? t.selectionFailing.tokens / t.selectedEstimated : 0;
  return {
    mode,
    rules: RULES.filter((r) => (evaluated & (1 << r.bit)) !== 0).map((r) => r.name),
    corpusFailing: { ...totals.failedAny, tokenShare: corpusShare },
    selectionFailing: { ...t.selectionFailing, tokenShare: selectionShare },
    byRule: totals.byRule.map((r) => ({ ...r, source: RULE_BY_NAME.get(r.rule as RuleName)?.source ?? 'unknown' })),
    excluded,
    verdict: selectionShare > corpusShare ? 'worse' : 'ok',
  };
}

/**
 * What the selection misses of the budget when the policy kept less than the budget (the threshold selects everything
 * it keeps: boundary bin -1), and why; undefined when the budget was filled to its last document.
 */
function shortfallOf(
  threshold: ThresholdFile,
  budget: ThresholdFile['budget'],
  selected: number,
  excluded: Exclusions,
  dedup: DedupSummary | undefined,
): Manifest['selected']['shortfall'] {
  if (threshold.threshold.boundaryBin !== -1 || !(budget.amount > selected)) return undefined;
  const amount = budget.amount - selected;
  const unit = budget.unit === 'docs' ? 'documents' : 'tokens';
  const left = (['rules', 'untrusted', 'band', 'filters'] as const)
    .filter((k) => excluded[k].docs > 0)
    .map((k) => `${EXCLUSION_LABEL[k]} ${excluded[k].docs} documents (${Math.round(excluded[k].tokens)} estimated tokens)`);
  if (dedup && dedup.docsRemoved > 0) left.push(`duplicates ${dedup.docsRemoved} documents`);
  return {
    amount,
    share: budget.amount > 0 ? amount / budget.amount : 0,
    reason:
      `the policy keeps fewer ${unit} than the budget, and a budget is a ceiling: every document it keeps is selected` +
      (left.length ? `; left out: ${left.join(', ')}` : '') +
      (threshold.policy.fill === 'always'
        ? '. policy.fill is "always": what is left out fails a quality rule, the length filters or dedup; turn rules off in `rules` to take those too.'
        : '. Set policy.fill "always" to take documents outside the band and untrusted predictions after the rest.'),
  };
}

const EXCLUSION_LABEL = { rules: 'failing a quality rule', untrusted: 'untrusted predictions', band: 'outside the band', filters: 'length filters' } as const;

/** Bad-record examples kept in the manifest (per file, the log keeps its first few). */
const MANIFEST_BAD_EXAMPLES = 50;

/**
 * What finalize sums over the work items, from each one's histogram file (score) and selected stats (select): the
 * corpus's documents, bytes and tokens, bad records, rule outcomes and exclusions, the shards left out as unreadable,
 * and the selection per shard and in total.
 */
async function itemTotals(ctx: StageContext, run: RunFiles, items: readonly WorkItem[]) {
  const bad = new BadRecordLog();
  const ruleTally = new RuleTally(MANIFEST_RULE_EXAMPLES);
  const exclusions = emptyExclusions();
  const selectionFailing = { docs: 0, tokens: 0 };
  let docs = 0;
  let textBytes = 0;
  let tokens = 0;
  const shards: Manifest['selected']['shards'] = [];
  const selected = { docs: 0, tokens: 0, estimatedTokens: 0 };
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
    if (hist.rules) ruleTally.merge(hist.rules);
    if (hist.exclusions) addExclusions(exclusions, hist.exclusions);
    const sel = await ctx.store.readJson(run.uri(artifactKeys.selectedStats(item.id)), selectedStatsSchema);
    selected.docs += sel.docs;
    selected.tokens += sel.tokens;
    selected.estimatedTokens += sel.estimatedTokens;
    selectionFailing.docs += sel.failingRules?.docs ?? 0;
    selectionFailing.tokens += sel.failingRules?.estimatedTokens ?? 0;
    if (sel.docs > 0) {
      shards.push({ item: sel.item, shard: sel.shard, file: sel.file, docs: sel.docs, tokens: sel.tokens, estimatedTokens: sel.estimatedTokens });
    }
  }
  return { bad, ruleTally, exclusions, selectionFailing, docs, textBytes, tokens, shards, skippedShards, selected };
}

/** The manifest's `reference` section: the labelled sample's size and mean losses (reference/stats.json). */
function referenceSection(kind: JobSpec['reference']['kind'], reference: ReferenceStats): Manifest['reference'] {
  return {
    kind,
    docs: reference.docs,
    tokens: reference.tokens,
    bytes: reference.bytes,
    meanLoss: reference.meanLoss,
    meanLossPerByte: reference.meanLossPerByte,
    ...(reference.meanSmallLoss !== undefined ? { meanSmallLoss: reference.meanSmallLoss } : {}),
    ...(reference.meanSmallLossPerByte !== undefined ? { meanSmallLossPerByte: reference.meanSmallLossPerByte } : {}),
  };
}

/** The manifest's `proxy` section, from the proxy's card: its kind, held-out fidelity, learning curve and token estimates. */
function proxySection(card: ProxyCard): Manifest['proxy'] {
  return {
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
  };
}

/** The manifest's `artifacts`: where the run's files are, relative to the output. */
function artifactsSection(dedup: boolean): Manifest['artifacts'] {
  return {
    plan: artifactKeys.plan,
    sample: artifactKeys.sample,
    labels: artifactKeys.labels,
    model: artifactKeys.model,
    card: artifactKeys.card,
    threshold: artifactKeys.threshold,
    estimate: artifactKeys.estimate,
    scores: 'scores/',
    ...(dedup ? { dedup: artifactKeys.dedupSummary } : {}),
    selected: 'selected/',
    report: artifactKeys.report,
  };
}

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

  const totals = await itemTotals(ctx, run, items);
  const { bad, ruleTally, exclusions, selectionFailing, docs, textBytes, tokens, shards, skippedShards } = totals;
  const { docs: selectedDocs, tokens: selectedTokens, estimatedTokens: selectedEstimated } = totals.selected;
  if (selectedDocs !== threshold.threshold.expected.docs || (threshold.tokenCount === 'exact' && selectedTokens !== threshold.threshold.expected.tokens)) {
    throw new StaleInputError(
      `finalize: the selection holds ${selectedDocs} documents, ${selectedTokens} tokens, but threshold.json expects ` +
        `${threshold.threshold.expected.docs} and ${threshold.threshold.expected.tokens} (selected/ is stale: run select again)`,
    );
  }
  const badJson = bad.toJSON();
  const dedupSummary = await readDedupSummary(ctx.store, run);
  const budget = threshold.budget;
  const quality = qualitySection(spec, ruleTally, exclusions, { tokens, selectionFailing, selectedEstimated });
  const shortfall = shortfallOf(threshold, budget, budget.unit === 'docs' ? selectedDocs : selectedTokens, exclusions, dedupSummary);
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
    budget: manifestBudget(budget),
    sample: { docs: reference.docs, seed: spec.sample.seed },
    reference: referenceSection(spec.reference.kind, reference),
    proxy: proxySection(card),
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
      ...(shortfall ? { shortfall } : {}),
      shards,
    },
    ...(dedupSummary ? { dedup: { ...withoutItemList(dedupSummary), tokensEstimated: !spec.exactTokens } } : {}),
    quality,
    artifacts: artifactsSection(dedupSummary !== undefined),
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
