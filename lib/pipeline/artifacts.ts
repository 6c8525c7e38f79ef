/**
 * Keys of every artifact of a run, relative to the job's output prefix. One place, so stages, the manifest, the
 * report and the cloud stack (lifecycle rules on intermediate prefixes) agree.
 */
export const artifactKeys = {
  plan: 'plan.json',
  items: 'plan/items.json',
  samplePart: (item: string) => `sample/part-${item}.jsonl.gz`,
  sample: 'sample/sample.jsonl.gz',
  sampleStats: 'sample/stats.json',
  referencePart: (index: number) => `reference/part-${String(index).padStart(5, '0')}.jsonl.gz`,
  labels: 'reference/labels.jsonl.gz',
  referenceStats: 'reference/stats.json',
  model: 'proxy/model.onnx',
  card: 'proxy/card.json',
  heldOut: 'proxy/held-out.json',
  scores: (item: string) => `scores/${item}.parquet`,
  histogram: (item: string) => `scores/${item}.hist.json`,
  threshold: 'threshold.json',
  selected: (item: string) => `selected/${item}.jsonl.gz`,
  selectedRows: (item: string) => `selected/${item}.rows.json`,
  selectedStats: (item: string) => `selected/${item}.json`,
  manifest: 'manifest.json',
  run: 'run.json',
  report: 'report.html',
  success: '_SUCCESS',
  failed: '_FAILED',
} as const;

/** Prefixes holding intermediate artifacts only (safe to expire once a run has finished). */
export const intermediatePrefixes = ['sample/', 'reference/', 'scores/', 'plan/'] as const;
