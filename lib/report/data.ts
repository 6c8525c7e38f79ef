import { z } from 'zod';
import { iterateJsonlGz } from '../corpus/index.ts';
import { manifestSchema, type Manifest } from '../manifest/index.ts';
import { artifactKeys, type HeldOutPredictions, heldOutSchema, itemHistogramFileSchema, type Plan, type ProxyCard, readItems, readPlan, readProxyCard, readScoreFile, removedRows, type RunFile, runFileSchema, selectedStatsSchema, type ThresholdFile, thresholdFileSchema } from '../run/index.ts';
import { selectedRows } from '../select/index.ts';
import { joinUri } from '../store/index.ts';
import type { ObjectStore } from '../store/types.ts';

const labelLineSchema = z.object({ id: z.string(), category: z.string() });

/** One work item as the report shows it. */
export interface ItemSummary {
  item: string;
  shard: string;
  docs: number;
  tokens: number;
  selectedDocs: number;
  selectedTokens: number;
}

/** Documents' predicted scores, tokens and whether they were selected: read from the score files (capped). */
export interface ScoredDocs {
  score: number[];
  tokens: number[];
  selected: boolean[];
  /** Category per document, when a labels file is given. */
  category?: (string | undefined)[];
  /** Items read, of all items (the report reads at most `maxItems`, evenly spread). */
  itemsRead: number;
  itemsTotal: number;
}

export interface ReportData {
  output: string;
  manifest: Manifest;
  plan: Plan;
  card: ProxyCard;
  threshold: ThresholdFile;
  run?: RunFile;
  heldOut?: HeldOutPredictions;
  items: ItemSummary[];
  scored: ScoredDocs;
}

export interface LoadReportOptions {
  /** At most this many items' score files are read for the distribution plots (default 64). */
  maxItems?: number;
}

async function readOptionalJson<T>(store: ObjectStore, uri: string, schema: z.ZodType<T>): Promise<T | undefined> {
  if (!(await store.exists(uri))) return undefined;
  const parsed = schema.safeParse(await store.readJson(uri));
  return parsed.success ? parsed.data : undefined;
}

/** Evenly spread choice of at most `max` of `n` indexes (all when n <= max), deterministic. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/** Everything the report shows, from the artifacts of a finished run under `output`. */
export async function loadReportData(store: ObjectStore, output: string, options: LoadReportOptions = {}): Promise<ReportData> {
  const run = await readPlan(store, joinUri(output, artifactKeys.plan));
  const manifestUri = run.uri(artifactKeys.manifest);
  const parsed = manifestSchema.safeParse(await store.readJson(manifestUri));
  if (!parsed.success) throw new Error(`${manifestUri}: not a valid manifest (is the run finished?)`);
  const manifest = parsed.data;
  const card = await readProxyCard(store, run.uri(artifactKeys.card));
  const threshold = await store.readJson(run.uri(artifactKeys.threshold), thresholdFileSchema);
  const runFile = await readOptionalJson(store, run.uri(artifactKeys.run), runFileSchema);
  const heldOut = await readOptionalJson(store, run.uri(artifactKeys.heldOut), heldOutSchema);
  const items = await readItems(store, run);

  const summaries: ItemSummary[] = [];
  for (const item of items) {
    const hist = await store.readJson(run.uri(artifactKeys.histogram(item.id)), itemHistogramFileSchema);
    const sel = await store.readJson(run.uri(artifactKeys.selectedStats(item.id)), selectedStatsSchema);
    summaries.push({ item: item.id, shard: item.key, docs: hist.docs, tokens: hist.tokens, selectedDocs: sel.docs, selectedTokens: sel.tokens });
  }

  let categories: Map<string, string> | undefined;
  const labelsUri = run.plan.spec.labels;
  if (labelsUri !== undefined && (await store.exists(labelsUri))) {
    categories = new Map();
    for await (const l of iterateJsonlGz(store, labelsUri, labelLineSchema)) categories.set(l.id, l.category);
  }

  const scored: ScoredDocs = { score: [], tokens: [], selected: [], itemsRead: 0, itemsTotal: items.length };
  if (categories) scored.category = [];
  const seed = run.plan.spec.sample.seed;
  const removed = await removedRows(store, run);
  for (const index of spread(items.length, options.maxItems ?? 64)) {
    const item = items[index]!;
    const rows = await readScoreFile(store, run.uri(artifactKeys.scores(item.id)));
    const chosen = selectedRows(rows, item.id, threshold, card, seed, new Set((await removed.forItem(item.id)).rows)).rows;
    for (const r of rows) {
      scored.score.push(r.score);
      scored.tokens.push(r.tokens);
      scored.selected.push(chosen.has(r.row));
      scored.category?.push(categories!.get(r.id));
    }
    scored.itemsRead += 1;
  }

  return { output: run.output, manifest, plan: run.plan, card, threshold, run: runFile, heldOut, items: summaries, scored };
}
