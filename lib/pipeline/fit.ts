import { describeLearningCurve, exportEnsembleOnnx, fitProxy as trainProxy, heldOutSplit, learningCurve } from '../proxy/index.ts';
import { DOC_STAT_COUNT, docStats } from '../features/index.ts';
import { fitTokenModel, policyTokenErrors, predictTokens, tokenErrors } from '../tokens/index.ts';
import type { ProxyExample } from '../proxy/index.ts';
import { artifactKeys, type HeldOutPredictions, labelTarget, type ProxyCard, readLabelsFile, readPlan, readSampleFile, type RunFiles, sampleStatsSchema, writeProxyCard } from '../run/index.ts';
import { type DeclaredUnit, outputDigest, SINGLE_UNIT, type Upstream } from './unit.ts';
import type { PlanRef, StageContext } from './types.ts';
import { budgetFraction, type JobSpec } from '../job/index.ts';
import { evaluateRules, resolveRules } from '../rules/index.ts';
import { BadStageInputError, InvalidLabelError, StaleInputError, TooFewLabelsError } from './errors.ts';

/** Quantiles 0, 0.001, ..., 1 of `values` (nearest-rank on the sorted values). */
export function quantileTable(values: ArrayLike<number>, steps = 1000): number[] {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return [];
  const out: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const pos = Math.min(sorted.length - 1, Math.max(0, Math.round((i / steps) * (sorted.length - 1))));
    out.push(sorted[pos]!);
  }
  return out;
}

/**
 * How far past the labelled targets' range a prediction may lie (as a share of that range) and how many times the
 * median held-out spread its ensemble spread may reach, and still be trusted (card.selection; bench:downstream).
 */
export const TRUST_RANGE_MARGIN = 0.05;
export const TRUST_SPREAD_FACTOR = 4;
/** Fewer labelled documents passing the rules than this, and fit warns that the label-band rests on few predictions. */
const MIN_PASSING_LABELS = 20;

/**
 * The selection context of the card: the quantiles of the deployed proxy's predictions on the labelled documents that
 * pass the quality rules (all of them when none does), and the trusted range and spread.
 */
export function selectionContext(
  examples: readonly { target: number }[],
  fitted: { samplePredictions: readonly number[]; heldOut: { spread: readonly number[] } },
  passing: readonly boolean[],
  ruleMask: number,
): ProxyCard['selection'] {
  const passed = fitted.samplePredictions.filter((_, i) => passing[i]);
  // A loop, not Math.min(...targets): a sample of up to 1e6 labels would overflow the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of examples) {
    if (e.target < lo) lo = e.target;
    if (e.target > hi) hi = e.target;
  }
  const margin = TRUST_RANGE_MARGIN * (hi - lo);
  const spreads = Float64Array.from(fitted.heldOut.spread).sort();
  const median = spreads.length ? spreads[Math.floor((spreads.length - 1) / 2)]! : 0;
  return {
    passQuantiles: quantileTable(passed.length > 0 ? passed : fitted.samplePredictions),
    labelledPassing: passed.length,
    minScore: lo - margin,
    maxScore: hi + margin,
    maxStd: median > 0 ? TRUST_SPREAD_FACTOR * median : Number.MAX_VALUE,
    ruleMask,
  };
}

/** Whitespace-separated words (as the scorer counts them for the policies' word filters). */
function countSpaceWords(text: string): number {
  let n = 0;
  for (const w of text.split(/\s+/)) if (w.length > 0) n++;
  return n;
}

/** What fit returns besides the plan (and its marker keeps). */
export interface FitOutput {
  members: number;
  fidelity: ProxyCard['fidelity'];
}

/** A labelled sample document's size, exact tokens and token statistics: what the token-count model learns from. */
interface TokenDoc {
  id: string;
  bytes: number;
  tokens: number;
  stats: Float64Array;
}

/**
 * The labelled sample as training examples (text and target; empty documents carry no signal), with which of them pass
 * the quality rules (the label-band is placed among those) and their token statistics. Throws when the labels are not
 * the sample's, one has no finite target, or fewer than 10 remain.
 */
async function labelledExamples(
  ctx: StageContext,
  run: RunFiles,
): Promise<{ examples: ProxyExample[]; passing: boolean[]; tokenDocs: TokenDoc[]; rules: ReturnType<typeof resolveRules> }> {
  const spec = run.plan.spec;
  const texts: string[] = [];
  const ids: string[] = [];
  for await (const rec of readSampleFile(ctx.store, run.uri(artifactKeys.sample))) {
    texts.push(rec.text);
    ids.push(rec.id);
  }
  const labels = [];
  for await (const rec of readLabelsFile(ctx.store, run.uri(artifactKeys.labels))) labels.push(rec);
  if (labels.length !== texts.length) {
    throw new StaleInputError(`fit: ${run.uri(artifactKeys.labels)} has ${labels.length} labels for ${texts.length} sample documents`);
  }
  const examples: ProxyExample[] = [];
  // Which labelled documents pass the quality rules: the label-band is placed among those.
  const rules = resolveRules(spec.rules);
  const passing: boolean[] = [];
  const tokenDocs: TokenDoc[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l.id !== ids[i]) {
      throw new StaleInputError(`fit: label ${i} of ${run.uri(artifactKeys.labels)} is for document ${l.id}, but sample document ${i} is ${ids[i]}`);
    }
    if (l.tokens === 0 || l.bytes === 0) continue; // empty documents carry no signal
    const target = labelTarget(l, spec.target, spec.lossUnit);
    if (!Number.isFinite(target)) throw new InvalidLabelError(`fit: label of sample document ${l.id} has no finite ${spec.target} target per ${spec.lossUnit}`);
    examples.push({ text: texts[i]!, target });
    passing.push(evaluateRules(texts[i]!, rules) === 0);
    tokenDocs.push({ id: l.id, bytes: l.docBytes, tokens: l.tokens, stats: docStats(texts[i]!, l.docBytes, new Float64Array(DOC_STAT_COUNT)) });
  }
  if (examples.length < 10) throw new TooFewLabelsError(`fit: only ${examples.length} labelled documents with tokens; need at least 10`);
  return { examples, passing, tokenDocs, rules };
}

/** Tokens per byte over documents: the single-ratio estimate the token-count model is compared with. */
function tokensPerByteOf(docs: readonly TokenDoc[]): number {
  let bytes = 0;
  let tokens = 0;
  for (const d of docs) {
    bytes += d.bytes;
    tokens += d.tokens;
  }
  return bytes > 0 ? tokens / bytes : 0;
}

/**
 * The card's token section: the token-count model and its errors on the held-out split, beside one bytes->tokens
 * ratio's, over all held-out documents and over what each policy would select of them.
 */
function tokenSection(
  fitted: { model: ReturnType<typeof fitTokenModel>; fittedOn: number; tokensPerByte: number },
  held: { test: ArrayLike<number>; tokenDocs: readonly TokenDoc[]; examples: readonly ProxyExample[]; fitted: ReturnType<typeof trainProxy> },
  policyOpts: Parameters<typeof policyTokenErrors>[1],
): ProxyCard['tokens'] {
  const { tokensPerByte } = fitted;
  const byRatio = (bytes: number) => (bytes > 0 ? Math.max(1, Math.round(bytes * tokensPerByte)) : 0);
  const testDocs = Array.from(held.test, (i) => held.tokenDocs[i]!);
  const exact = testDocs.map((d) => d.tokens);
  const modelEstimates = testDocs.map((d) => predictTokens(fitted.model, d.stats));
  const ratioEstimates = testDocs.map((d) => byRatio(d.bytes));
  const heldOutDocs = (estimates: number[]) =>
    testDocs.map((d, t) => ({
      id: d.id,
      score: held.fitted.heldOut.predicted[t]!,
      std: held.fitted.heldOut.spread[t]!,
      chars: held.examples[held.test[t]!]!.text.length,
      words: countSpaceWords(held.examples[held.test[t]!]!.text),
      tokens: d.tokens,
      estimate: estimates[t]!,
    }));
  return {
    model: fitted.model,
    fittedOn: fitted.fittedOn,
    heldOut: tokenErrors(modelEstimates, exact),
    byPolicy: policyTokenErrors(heldOutDocs(modelEstimates), policyOpts),
    singleRatio: {
      tokensPerByte,
      heldOut: tokenErrors(ratioEstimates, exact),
      byPolicy: policyTokenErrors(heldOutDocs(ratioEstimates), policyOpts),
    },
  };
}

/**
 * fit's work: trains the proxy on the labelled sample and the token-count model on the same training split, measures
 * both on the held-out split, and writes proxy/model.onnx, proxy/card.json and proxy/held-out.json.
 */
async function fitAndWrite(ctx: StageContext, run: RunFiles, proxy: Extract<JobSpec['proxy'], { kind: 'hashed-ensemble' }>): Promise<FitOutput> {
  const spec = run.plan.spec;
  const { examples, passing, tokenDocs, rules } = await labelledExamples(ctx, run);

  // The token-count model is fitted on the proxy's training split and measured on its held-out split.
  const { train, test } = heldOutSplit(
    examples.map((e) => e.text),
    proxy.heldOut,
    spec.sample.seed,
  );
  const trainDocs = Array.from(train, (i) => tokenDocs[i]!);
  const tokenModel = fitTokenModel(trainDocs);
  const tokensPerByte = tokensPerByteOf(trainDocs);

  const stats = await ctx.store.readJson(run.uri(artifactKeys.sampleStats), sampleStatsSchema);
  const corpusTokens = stats.corpusTextBytes * tokensPerByte;
  const topKFraction = budgetFraction(run.plan.budget, corpusTokens, stats.corpusDocs);

  ctx.log.info(`fit: ${proxy.members} member(s) on ${examples.length} labelled documents`);
  const trainOptions = {
    members: proxy.members,
    buckets: proxy.buckets,
    epochs: proxy.epochs,
    l2: proxy.l2,
    heldOut: proxy.heldOut,
    seed: spec.sample.seed,
    topKFraction,
    deployOn: proxy.deployOn,
  };
  const fitted = trainProxy(examples, trainOptions);
  const curve = learningCurve(examples, trainOptions, fitted);
  ctx.log.info(`fit: held-out Spearman ${curve.points.map((p) => `${p.spearman.toFixed(3)} (${p.labels} labels)`).join(', ')}: ${describeLearningCurve(curve)}`);
  ctx.progress.add({ docs: examples.length });
  const onnx = exportEnsembleOnnx(fitted.model);
  await ctx.store.write(run.uri(artifactKeys.model), Buffer.from(onnx));

  const scoreQuantiles = quantileTable(fitted.samplePredictions);
  const selection = selectionContext(examples, fitted, passing, rules.mask);
  if (selection && rules.mask !== 0 && selection.labelledPassing < MIN_PASSING_LABELS) {
    ctx.log.warn(
      `fit: only ${selection.labelledPassing} of ${examples.length} labelled documents pass the quality rules: the label-band's ` +
        `quantiles rest on ${selection.labelledPassing > 0 ? 'few predictions' : 'all the labelled predictions instead'}; a larger sample.docs, ` +
        'or turning off rules that remove this corpus\'s clean text (see the report\'s rules table), would place it better',
    );
  }
  const policyOpts = { policy: spec.policy, share: topKFraction, seed: spec.sample.seed, scoreQuantiles, context: selection };

  const card: ProxyCard = {
    version: 2,
    kind: 'hashed-ensemble',
    target: spec.target,
    lossUnit: spec.lossUnit,
    members: proxy.members,
    features: fitted.model.features,
    training: {
      examples: examples.length,
      heldOut: fitted.fidelity.n,
      deployedOn: fitted.deployedLabels,
      epochs: proxy.epochs,
      l2: proxy.l2,
      seed: spec.sample.seed,
    },
    fidelity: {
      spearman: fitted.fidelity.spearman,
      pearson: fitted.fidelity.pearson,
      r2: fitted.fidelity.r2,
      topKAgreement: fitted.fidelity.topKAgreement,
      topKFraction,
      n: fitted.fidelity.n,
    },
    learningCurve: curve,
    spreadCalibration: fitted.spreadCalibration,
    tokens: tokenSection({ model: tokenModel, fittedOn: trainDocs.length, tokensPerByte }, { test, tokenDocs, examples, fitted }, policyOpts),
    scoreQuantiles,
    selection,
    minSpearman: proxy.minSpearman,
  };
  await writeProxyCard(ctx.store, run.uri(artifactKeys.card), card);
  const heldOut: HeldOutPredictions = fitted.heldOut;
  await ctx.store.writeJson(run.uri(artifactKeys.heldOut), heldOut);
  if (card.fidelity.spearman < proxy.minSpearman) {
    ctx.log.warn(
      `PROXY FIDELITY LOW: held-out Spearman ${card.fidelity.spearman.toFixed(3)} is below the floor ${proxy.minSpearman} ` +
        `(proxy.minSpearman): the proxy ranks documents unlike the reference model; a larger sample or more members may help`,
    );
  }
  return { members: card.members, fidelity: card.fidelity };
}

/**
 * fit: trains the proxy ensemble on the labelled sample (target: the large model's loss, or the reducible loss, per
 * byte or per token as the spec's lossUnit says), measures its fidelity on a seeded held-out split and its fidelity
 * learning curve (25%, 50%, 100% of the training labels), fits the token-count model on the same training split (and
 * measures it on the held-out one, per policy too), and writes proxy/model.onnx and proxy/card.json. Declared as its one
 * unit (what it reads and writes, and the work) for the registry, which completes it through the resume protocol.
 */
export async function fitProxyUnit(
  event: PlanRef,
  ctx: StageContext,
  upstream: Upstream<'mergedSample' | 'mergedLabels'>,
): Promise<DeclaredUnit<FitOutput, { plan: string } & FitOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const spec = run.plan.spec;
  if (spec.proxy.kind !== 'hashed-ensemble') {
    throw new BadStageInputError(`fit: proxy kind "${spec.proxy.kind}" is user-provided; nothing to fit (the score stage loads ${spec.proxy.model})`);
  }
  const proxy = spec.proxy;
  const sample = await upstream.mergedSample(run);
  const labelled = await upstream.mergedLabels(run);
  const unit = {
    unit: SINGLE_UNIT,
    inputs: {
      sample: outputDigest(sample, artifactKeys.sample),
      sampleStats: outputDigest(sample, artifactKeys.sampleStats),
      labels: outputDigest(labelled, artifactKeys.labels),
    },
    outputs: [artifactKeys.model, artifactKeys.card, artifactKeys.heldOut],
  };
  return { run, ...unit, work: () => fitAndWrite(ctx, run, proxy), finish: (kept) => ({ plan: event.plan, ...kept }) };
}
