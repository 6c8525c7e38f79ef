import type { z } from 'zod';
import { readDocs, writeJsonlGz, BadRecordLog } from '../corpus/index.ts';
import type { Doc } from '../corpus/index.ts';
import { docHash } from '../select/index.ts';
import { artifactKeys, readItems, readPlan, readSampleFile, sampleItemOutputSchema, sampleRecordSchema, type SampleItemOutput, type SampleStats, type UnitMarker } from '../run/index.ts';
import { formatZodError } from '../validate/index.ts';
import { NoDocumentsError, StaleInputError } from './errors.ts';
import { closestName } from '../validate/index.ts';
import { type DeclaredUnit, itemVersion, SINGLE_UNIT, type Upstream } from './unit.ts';
import { readOptionsFor } from './read-options.ts';
import type { ItemEvent, PlanRef, StageContext } from './types.ts';

/** One sampled document with its provenance, as stored in the sample files (schema in sample-file.ts). */
export type SampleRecord = z.infer<typeof sampleRecordSchema>;

/**
 * Keeps the k documents with the smallest (hash, row): a uniform sample without replacement, seeded, streaming,
 * and independent of how the item is read. A binary max-heap on (hash, row).
 */
class BottomK {
  private readonly heap: { hash: number; doc: Doc }[] = [];
  constructor(private readonly k: number) {}

  private less(a: { hash: number; doc: Doc }, b: { hash: number; doc: Doc }): boolean {
    return a.hash < b.hash || (a.hash === b.hash && a.doc.row < b.doc.row);
  }

  offer(hash: number, doc: Doc): void {
    const h = this.heap;
    if (this.k <= 0) return;
    if (h.length < this.k) {
      h.push({ hash, doc });
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.less(h[p]!, h[i]!)) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
      return;
    }
    const entry = { hash, doc };
    if (!this.less(entry, h[0]!)) return;
    h[0] = entry;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[m]!, h[l]!)) m = l;
      if (r < h.length && this.less(h[m]!, h[r]!)) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }

  /** The kept documents in reading order. */
  docs(): Doc[] {
    return this.heap.map((e) => e.doc).sort((a, b) => a.row - b.row);
  }
}

function toRecord(d: Doc): SampleRecord {
  return { id: d.id, text: d.text, item: d.item, row: d.row, line: d.line, offset: d.offset, bytes: d.bytes };
}

/** sample: the seeded, size-proportional share of one work item, written to sample/part-<item>.jsonl.gz. */
export async function sampleWorkItemUnit(event: ItemEvent, ctx: StageContext): Promise<DeclaredUnit<SampleItemOutput>> {
  const run = await readPlan(ctx.store, event.plan);
  const { plan } = run;
  const item = event.item;
  const quota = plan.sampleQuotas[item.id] ?? 0;
  const unit = { unit: item.id, inputs: { item: itemVersion(item), quota }, outputs: [artifactKeys.samplePart(item.id)] };
  return { run, ...unit, work: async () => {
    const keep = new BottomK(quota);
    const bad = new BadRecordLog();
    // A salt keeps the sample independent of hash-based policy noise (sample policy, boundary order) that also use the seed.
    const sampleSeed = (plan.spec.sample.seed + 0x9e3779b9) >>> 0;
    let seenDocs = 0;
    let seenBytes = 0;
    let missingText = 0;
    let recordFields: string[] | undefined;
    const options = {
      ...readOptionsFor(plan.spec, bad),
      onMissingText: (fields: string[]) => {
        missingText += 1;
        recordFields ??= fields.slice(0, 50);
      },
    };
    for await (const batch of readDocs(ctx.store, item, options)) {
      let bytes = 0;
      for (const doc of batch) {
        keep.offer(docHash(doc.id, sampleSeed), doc);
        bytes += doc.bytes;
      }
      seenDocs += batch.length;
      seenBytes += bytes;
      ctx.progress.add({ docs: batch.length, bytes });
    }
    const docs = keep.docs();
    await writeJsonlGz(ctx.store, run.uri(artifactKeys.samplePart(item.id)), docs.map(toRecord));
    return {
      item: item.id,
      sampled: docs.length,
      docs: seenDocs,
      textBytes: seenBytes,
      ...(missingText > 0 ? { missingText, recordFields: recordFields ?? [] } : {}),
    };
  } };
}

/** The share of the corpus's documents above which the reference sample is said to label most of it. */
export const LARGE_SAMPLE_SHARE = 0.5;

/**
 * A text field that no record has fails here, naming the field and the records' own (instead of a fit with no labels
 * later); one that most records lack is a warning.
 */
function checkTextField(textField: string, docs: number, missing: number, fields: string[] | undefined, ctx: StageContext): void {
  if (missing === 0) return;
  const seen = fields && fields.length > 0 ? `; the first such record's fields: ${fields.join(', ')}` : '';
  const guess = fields ? closestName(textField, fields) : undefined;
  const hint = guess ? ` (did you mean "${guess}"?)` : '';
  if (docs === 0) {
    throw new NoDocumentsError(`corpus.textField "${textField}": no record of the corpus has this field (${missing} record(s) read${seen})${hint}`);
  }
  if (missing > docs) {
    ctx.log.warn(`corpus.textField "${textField}": ${missing} of ${missing + docs} records have no such field and are skipped${seen}${hint}`);
  }
}

/** A sample that labels most of the corpus leaves the proxy little to predict: the reference could score it all. */
function warnOfLargeSample(requested: number, sampled: number, docs: number, ctx: StageContext): void {
  if (docs === 0 || Math.max(requested, sampled) / docs <= LARGE_SAMPLE_SHARE) return;
  ctx.log.warn(
    `the reference sample (sample.docs ${requested}) labels ${sampled} of the corpus's ${docs} documents ` +
      `(${((100 * sampled) / docs).toFixed(0)}%): ` +
      `the proxy predicts only the rest, and its held-out fidelity rests on few unlabelled documents; ` +
      `lower sample.docs (for example to ${Math.max(1, Math.floor(docs * 0.1))}, a tenth) or select from a larger corpus`,
  );
}

/**
 * merge sample: concatenates the parts in work-item order into sample/sample.jsonl.gz, and sums what the items saw
 * into sample/stats.json (the corpus's documents and text bytes, known before scoring).
 */
export async function mergeSampleUnit(
  event: PlanRef,
  ctx: StageContext,
  upstream: Upstream<'sampled'>,
): Promise<DeclaredUnit<number, { plan: string; docs: number }>> {
  const run = await readPlan(ctx.store, event.plan);
  const items = await readItems(ctx.store, run);
  const parts: { item: string; marker: UnitMarker }[] = [];
  for (const item of items) parts.push({ item: item.id, marker: await upstream.sampled(run, item.id) });
  const unit = {
    unit: SINGLE_UNIT,
    inputs: parts.map((p) => ({ item: p.item, outputs: p.marker.outputs, output: p.marker.output })),
    outputs: [artifactKeys.sample, artifactKeys.sampleStats],
  };
  const work = async (): Promise<number> => {
    const stats: SampleStats = { sampled: 0, corpusDocs: 0, corpusTextBytes: 0 };
    let missingText = 0;
    let recordFields: string[] | undefined;
    for (const { item, marker } of parts) {
      const parsed = sampleItemOutputSchema.safeParse(marker.output);
      if (!parsed.success) throw new StaleInputError(`merge-sample: the sample marker of item ${item} records no valid output: ${formatZodError(parsed.error)}`);
      const out = parsed.data;
      stats.corpusDocs += out.docs;
      stats.corpusTextBytes += out.textBytes;
      missingText += out.missingText ?? 0;
      recordFields ??= out.recordFields;
    }
    checkTextField(run.plan.spec.corpus.textField, stats.corpusDocs, missingText, recordFields, ctx);
    let count = 0;
    const store = ctx.store;
    async function* records(): AsyncIterable<SampleRecord> {
      for (const item of items) {
        const uri = run.uri(artifactKeys.samplePart(item.id));
        for await (const rec of readSampleFile(store, uri)) {
          count += 1;
          yield rec;
        }
      }
    }
    await writeJsonlGz(ctx.store, run.uri(artifactKeys.sample), records());
    stats.sampled = count;
    await ctx.store.writeJson(run.uri(artifactKeys.sampleStats), stats);
    ctx.log.info(`sample: ${count} documents of ${stats.corpusDocs}`);
    warnOfLargeSample(run.plan.spec.sample.docs, count, stats.corpusDocs, ctx);
    return count;
  };
  return { run, ...unit, work, finish: (docs) => ({ plan: event.plan, docs }) };
}
