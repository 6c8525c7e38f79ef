/** The oracle: a reference model scoring EVERY document of the corpus (the benchmark's ground truth). */
import { BadRecordLog, readDocs, type Doc, type WorkItem } from '../../lib/corpus/index.ts';
import type { JobSpec, ReferenceSpec } from '../../lib/job/spec.ts';
import { readOptionsFor } from '../../lib/pipeline/read-options.ts';
import { createReferenceScorer } from '../../lib/reference/index.ts';
import type { ObjectStore } from '../../lib/store/types.ts';

/** `item:row`, the key that joins score files, sample labels and oracle scores. */
export const rowKey = (item: string, row: number): string => `${item}:${row}`;

/**
 * Scores every document of the work items with `reference` (read with the job's read options) and returns its loss in
 * the job's lossUnit (nats per byte or per token) by `item:row`. `onDoc` sees each document as it is read (to collect texts on the same pass).
 */
export async function scoreCorpus(
  spec: JobSpec,
  reference: ReferenceSpec,
  items: readonly WorkItem[],
  deps: { store: ObjectStore; onDoc?: (doc: Doc) => void },
): Promise<Map<string, number>> {
  const scorer = await createReferenceScorer(reference, { store: deps.store });
  const loss = new Map<string, number>();
  try {
    for (const item of items) {
      for await (const batch of readDocs(deps.store, item, { ...readOptionsFor(spec, new BadRecordLog()), batchDocs: 128 })) {
        const scores = await scorer.score(batch.map((d) => d.text));
        batch.forEach((d, j) => {
          const sc = scores[j]!;
          loss.set(rowKey(item.id, d.row), spec.lossUnit === 'byte' ? (sc.bytes > 0 ? sc.nll / sc.bytes : 0) : sc.loss);
          deps.onDoc?.(d);
        });
      }
    }
  } finally {
    await scorer.close();
  }
  return loss;
}
