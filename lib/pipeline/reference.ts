import { writeJsonlGz } from '../corpus/index.ts';
import { smallReferenceOf } from '../job/index.ts';
import { createReferenceScorer } from '../reference/index.ts';
import type { ReferenceScorer } from '../reference/index.ts';
import { artifactKeys, type LabelRecord, readLabelsFile, readPlan, readSampleFile, type ReferenceStats } from '../run/index.ts';
import { type DeclaredUnit, outputDigest, referenceVersion, SINGLE_UNIT, type Upstream } from './unit.ts';
import type { PlanRef, ReferenceSliceEvent, StageContext } from './types.ts';
import { BadStageInputError } from './errors.ts';

/** Documents per call to the scorer (the backend batches further by length). */
const SCORE_BATCH = 64;

/** The contiguous share [start, end) of `n` sample documents that slice `index` of `count` labels. */
export function sliceBounds(n: number, index: number, count: number): { start: number; end: number } {
  return { start: Math.floor((n * index) / count), end: Math.floor((n * (index + 1)) / count) };
}

/** The marker unit name of one reference slice. */
function sliceUnit(index: number, count: number): string {
  return `${String(index).padStart(5, '0')}-of-${count}`;
}

/** What one reference slice returns besides the plan (and its marker keeps). */
export interface ReferenceSliceOutput {
  index: number;
  docs: number;
  tokens: number;
}

/**
 * reference: labels one slice of the sample with the large model's loss (and the small model's, for the reducible
 * target: the smallReference, or the n-gram trained on targetText); writes reference/part-<index>.jsonl.gz. Runs as a
 * Batch array child, a Lambda, or a local worker.
 */
export async function labelReferenceSliceUnit(
  event: ReferenceSliceEvent,
  ctx: StageContext,
  upstream: Upstream<'mergedSample'>,
): Promise<DeclaredUnit<ReferenceSliceOutput, { plan: string } & ReferenceSliceOutput>> {
  if (event.index >= event.count) throw new BadStageInputError(`reference slice index ${event.index} is not below the slice count ${event.count}`);
  const run = await readPlan(ctx.store, event.plan);
  const spec = run.plan.spec;
  const merged = await upstream.mergedSample(run);
  const unit = {
    unit: sliceUnit(event.index, event.count),
    inputs: {
      sample: outputDigest(merged, artifactKeys.sample),
      slice: { index: event.index, count: event.count },
      reference: await referenceVersion(ctx.store, spec.reference),
      smallReference: await referenceVersion(ctx.store, smallReferenceOf(spec)),
    },
    outputs: [artifactKeys.referencePart(event.index)],
  };
  const work = async (): Promise<ReferenceSliceOutput> => {
    const sample = [];
    for await (const rec of readSampleFile(ctx.store, run.uri(artifactKeys.sample))) sample.push(rec);
    const { start, end } = sliceBounds(sample.length, event.index, event.count);
    const docs = sample.slice(start, end);

    const large = await createReferenceScorer(spec.reference, { store: ctx.store });
    let small: ReferenceScorer | undefined;
    const labels: LabelRecord[] = [];
    try {
      const smallSpec = smallReferenceOf(spec);
      small = smallSpec ? await createReferenceScorer(smallSpec, { store: ctx.store }) : undefined;
      ctx.log.info(`reference slice ${event.index + 1}/${event.count}: ${docs.length} documents with ${large.description}`);
      for (let i = 0; i < docs.length; i += SCORE_BATCH) {
        const batch = docs.slice(i, i + SCORE_BATCH);
        const texts = batch.map((d) => d.text);
        const scores = await large.score(texts);
        const smallScores = small ? await small.score(texts) : undefined;
        batch.forEach((d, j) => {
          const s = scores[j]!;
          const label: LabelRecord = { id: d.id, item: d.item, row: d.row, bytes: s.bytes, docBytes: d.bytes, tokens: s.tokens, loss: s.loss, nll: s.nll };
          if (smallScores) {
            const small = smallScores[j]!;
            Object.assign(label, { smallLoss: small.loss, smallNll: small.nll, smallBytes: small.bytes });
          }
          labels.push(label);
        });
        ctx.progress.add({ docs: batch.length, bytes: batch.reduce((a, d) => a + d.bytes, 0) });
      }
    } finally {
      await large.close();
      await small?.close();
    }
    await writeJsonlGz(ctx.store, run.uri(artifactKeys.referencePart(event.index)), labels);
    return { index: event.index, docs: labels.length, tokens: labels.reduce((a, l) => a + l.tokens, 0) };
  };
  return { run, ...unit, work, finish: (out) => ({ plan: event.plan, ...out }) };
}

/** merge labels: concatenates the slices in order into reference/labels.jsonl.gz. */
export async function mergeLabelsUnit(
  event: PlanRef,
  ctx: StageContext,
  upstream: Upstream<'labelledSlices'>,
): Promise<DeclaredUnit<number, { plan: string; docs: number }>> {
  const run = await readPlan(ctx.store, event.plan);
  const count = run.plan.referenceSlices;
  const slices = [];
  for (let i = 0; i < count; i++) slices.push((await upstream.labelledSlices(run, sliceUnit(i, count))).outputs);
  const unit = { unit: SINGLE_UNIT, inputs: slices, outputs: [artifactKeys.labels, artifactKeys.referenceStats] };
  const work = async (): Promise<number> => {
    const stats: ReferenceStats = { docs: 0, tokens: 0, bytes: 0, meanLoss: 0, meanLossPerByte: 0 };
    let lossSum = 0;
    let nllSum = 0;
    let smallSum = 0;
    let smallCount = 0;
    let smallNllSum = 0;
    let smallBytes = 0;
    const store = ctx.store;
    async function* records(): AsyncIterable<LabelRecord> {
      for (let i = 0; i < count; i++) {
        for await (const rec of readLabelsFile(store, run.uri(artifactKeys.referencePart(i)))) {
          stats.docs += 1;
          stats.tokens += rec.tokens;
          stats.bytes += rec.bytes;
          lossSum += rec.loss * rec.tokens;
          nllSum += rec.nll;
          if (rec.smallLoss !== undefined) {
            smallSum += rec.smallLoss * rec.tokens;
            smallCount += rec.tokens;
            smallNllSum += rec.smallNll ?? 0;
            smallBytes += rec.smallBytes ?? 0;
          }
          yield rec;
        }
      }
    }
    await writeJsonlGz(ctx.store, run.uri(artifactKeys.labels), records());
    stats.meanLoss = stats.tokens > 0 ? lossSum / stats.tokens : 0;
    stats.meanLossPerByte = stats.bytes > 0 ? nllSum / stats.bytes : 0;
    if (smallCount > 0) stats.meanSmallLoss = smallSum / smallCount;
    if (smallBytes > 0) stats.meanSmallLossPerByte = smallNllSum / smallBytes;
    await ctx.store.writeJson(run.uri(artifactKeys.referenceStats), stats);
    return stats.docs;
  };
  return { run, ...unit, work, finish: (docs) => ({ plan: event.plan, docs }) };
}
