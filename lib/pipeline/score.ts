import { BadRecordLog, readDocs } from '../corpus/index.ts';
import type { WorkItem } from '../corpus/index.ts';
import { ProxyModelError, ProxyScorer } from '../proxy/index.ts';
import { DOC_STAT_COUNT, DOC_STAT_NAMES } from '../features/index.ts';
import { checkTokenModel, predictTokens } from '../tokens/index.ts';
import { cachedTokenCounter } from '../reference/index.ts';
import { resolveRules } from '../rules/index.ts';
import { KeyHistogram, makePolicy, policyOptions } from '../select/index.ts';
import { artifactKeys, emptyExclusions, RuleTally, ScoreFileWriter, type ItemHistogramFile, type ProxyCard, readPlan, readProxyCard, type RunFiles } from '../run/index.ts';
import { ObjectStream } from '../store/index.ts';
import { DedupItemWriter } from './dedup-files.ts';
import { type DeclaredUnits, itemVersion, outputDigest, referenceVersion, type Upstream } from './unit.ts';
import { readOptionsFor } from './read-options.ts';
import type { ItemsEvent, StageContext } from './types.ts';

export interface ScoreItemOutput {
  item: string;
  docs: number;
  tokens: number;
  badRecords: number;
}

/**
 * The score stage reads in batches of up to 1024 documents or 4 MiB of text (the reader's default: 256 or 1 MiB). Each
 * onnxruntime run costs about 1 ms besides its ids (the member tables and its buffers come back into cache after the
 * scan), so four times fewer runs cut the graph's time by about a third (docs/performance.md, ninth round).
 */
const SCORE_BATCH = { batchDocs: 1024, batchBytes: 4 << 20 };

/**
 * The layout of the files a score unit writes (3: the dedup band files' exact records carry the row, tokens, tie hash
 * and policy key that exact deduplication decides with; 2: band and signature files streamed, in document order): part
 * of its fingerprint, so resuming a run whose score files an older proxysel wrote scores them again rather than handing
 * the dedup stages files they refuse.
 */
const SCORE_FILES_VERSION = 3;

/** Position of the word count among the token statistics. */
const WORDS_STAT = DOC_STAT_NAMES.indexOf('words');

/** One loaded proxy per process and model version: warm Lambdas and long-lived workers reuse it. */
const scorers = new Map<string, Promise<{ scorer: ProxyScorer; card: ProxyCard }>>();

/** Loads the proxy; `version` is the fit marker's sha256 of model and card, so a refitted proxy is never reused. */
async function loadProxy(ctx: StageContext, run: RunFiles, version: { model: string; card: string }): Promise<{ scorer: ProxyScorer; card: ProxyCard }> {
  const modelUri = run.uri(artifactKeys.model);
  const cacheKey = `${modelUri}#${version.model}#${version.card}`;
  let entry = scorers.get(cacheKey);
  if (!entry) {
    entry = (async () => {
      const card = await readProxyCard(ctx.store, run.uri(artifactKeys.card));
      const bytes = await ctx.store.read(modelUri);
      const scorer = await ProxyScorer.create(new Uint8Array(bytes), card.features).catch((err: Error) => {
        throw new ProxyModelError(`${modelUri}: not a loadable proxy model (${err.message})`, { cause: err });
      });
      return { scorer, card };
    })();
    entry.catch(() => scorers.delete(cacheKey));
    scorers.set(cacheKey, entry);
  }
  return entry;
}

/** Releases the cached proxies (tests, worker shutdown). */
export async function closeScorers(): Promise<void> {
  const all = [...scorers.values()];
  scorers.clear();
  for (const entry of all) await (await entry.catch(() => undefined))?.scorer.close();
}

async function scoreWorkItem(ctx: StageContext, run: RunFiles, item: WorkItem, proxy: { model: string; card: string }): Promise<ScoreItemOutput> {
  const spec = run.plan.spec;
  const { scorer, card } = await loadProxy(ctx, run, proxy);
  const policy = makePolicy(spec.policy, policyOptions(card, spec.sample.seed));
  const tokenModel = checkTokenModel(card.tokens.model, run.uri(artifactKeys.card));
  const counter = spec.exactTokens ? await cachedTokenCounter(spec.reference, { store: ctx.store }) : undefined;
  const hist = new KeyHistogram();
  const bad = new BadRecordLog();
  // The score file and the dedup files are streamed a row group / chunk at a time: memory flat in the item's size.
  const scores = new ScoreFileWriter(new ObjectStream(ctx.store, run.uri(artifactKeys.scores(item.id))));
  let tokens = 0;
  let textBytes = 0;
  const excluded = { docs: 0, tokens: 0 };
  const exclusions = emptyExclusions();
  // The spec's quality rules (none with rules.enabled false: the column is then 0 and nothing is evaluated).
  const rules = resolveRules(spec.rules);
  const ruleTally = new RuleTally();
  // Deduplication's inputs, from the same pass: normalized-text hash, MinHash signature and band keys per document.
  const dedup = spec.dedup.kind === 'none' ? undefined : new DedupItemWriter(spec, run.plan.dedupPartitions);
  dedup?.open(ctx.store, run, item.id);
  // The featurizer's normalized-text hash, and for MinHash its word hashes (so the text is not scanned again).
  const wantsWords = dedup?.wantsWordHashes === true;
  const known = { exact: [0, 0] as [number, number], hasWords: false, words: undefined as Int32Array | undefined, wordsFrom: 0, wordsTo: 0 };
  const onWarning = (message: string) => ctx.log.warn(message);
  // Not `for await`: its loop variable (and a call's argument) stays in this suspended function's frame, an
  // old-generation object once the item has run a while, while the next batch is read, so every scavenge then found
  // the previous batch alive and promoted its documents and texts (docs/performance.md, "The score stage's glue").
  // Each batch is read and scored in a call of its own, whose frame is dropped when it returns; the reader is closed
  // (its source destroyed) on failure, as `for await` would.
  const batches = readDocs(ctx.store, item, { ...readOptionsFor(spec, bad), ...SCORE_BATCH, onWarning });
  /** Reads the next batch, scores it and writes its rows; false at the end of the item. */
  const scoreNext = async (): Promise<boolean> => {
    const next = await batches.next();
    if (next.done === true) return false;
    const batch = next.value;
    const texts = batch.map((d) => d.text);
    // The quality rules from the same scan of the texts: the featurizer's kernel writes the rules' tokens, the rules
    // kernel walks them (lib/rules evaluateRulesTokens; the bits of evaluateRules).
    const { mean, std, words: wordCounts, tokenStats, textHashes, wordHashes, rules: failedRules } = await scorer.score(
      texts,
      batch.map((d) => d.bytes),
      { wordHashes: wantsWords, rules },
    );
    known.words = wordHashes;
    known.wordsTo = 0;
    let batchBytes = 0;
    for (let i = 0; i < batch.length; i++) {
      const d = batch[i]!;
      // Token estimate from the statistics the featurizer's scan measured (lib/tokens docStats, same values).
      const t = counter ? counter.count(d.text) : predictTokens(tokenModel, tokenStats, i * DOC_STAT_COUNT);
      const chars = d.text.length;
      const words = wordCounts[i]!; // measured in the featurizer's scan
      const score = mean[i]!;
      const spread = std[i]!;
      // The quality rules, in the same pass over the text (lib/rules; 0 when rules are off).
      const failed = failedRules![i]!;
      scores.add(d.id, d.row, d.offset, d.bytes, t, chars, words, score, spread, failed);
      ruleTally.add(failed, t, d.id);
      const doc = { id: d.id, score, std: spread, chars, words, rules: failed };
      const key = policy.key(doc);
      if (dedup) {
        known.exact[0] = textHashes[2 * i]!;
        known.exact[1] = textHashes[2 * i + 1]!;
        const textWords = tokenStats[i * DOC_STAT_COUNT + WORDS_STAT]!;
        known.hasWords = textWords > 0;
        known.wordsFrom = known.wordsTo;
        known.wordsTo += textWords;
        dedup.add(d.text, d.row, t, key, d.id, known);
      }
      if (key === null) {
        excluded.docs += 1;
        excluded.tokens += t;
        const why = exclusions[policy.exclusion(doc)];
        why.docs += 1;
        why.tokens += t;
      } else hist.add(key, t);
      tokens += t;
      batchBytes += d.bytes;
    }
    textBytes += batchBytes;
    await scores.flush();
    await dedup?.flush();
    ctx.progress.add({ docs: batch.length, bytes: batchBytes });
    return true;
  };
  try {
    while (await scoreNext());
    await scores.close();
    await dedup?.close();
  } catch (err) {
    await batches.return(undefined).catch(() => undefined);
    // Nothing half-written is left under the item's keys.
    await scores.abort(err as Error);
    await dedup?.abort(err as Error);
    throw err;
  }
  const file: ItemHistogramFile = {
    item: item.id,
    docs: scores.docs,
    textBytes,
    tokens,
    excluded,
    exclusions,
    rules: ruleTally.toJSON(),
    histogram: hist.toJSON(),
    badRecords: bad.toJSON(),
  };
  await ctx.store.writeJson(run.uri(artifactKeys.histogram(item.id)), file);
  return { item: item.id, docs: scores.docs, tokens, badRecords: bad.count };
}

/**
 * score: runs the proxy over every document of a batch of work items (Step Functions ItemBatcher), writing per item a
 * parquet of (id, row, offset, bytes, tokens, chars, words, score, std, rules) and a token-weighted histogram of policy
 * keys, with what the quality rules and the policy left out. Declared as one unit per item, which the registry
 * completes in order through the resume protocol.
 */
export async function scoreWorkItemsUnits(
  event: ItemsEvent,
  ctx: StageContext,
  upstream: Upstream<'fitted'>,
): Promise<DeclaredUnits<ScoreItemOutput, { items: ScoreItemOutput[] }>> {
  const run = await readPlan(ctx.store, event.plan);
  const fitted = await upstream.fitted(run);
  const proxy = { model: outputDigest(fitted, artifactKeys.model), card: outputDigest(fitted, artifactKeys.card) };
  const tokenizer = run.plan.spec.exactTokens ? await referenceVersion(ctx.store, run.plan.spec.reference) : null;
  const units = event.items.map((item) => ({
    unit: item.id,
    inputs: { item: itemVersion(item), proxy, tokenizer, files: SCORE_FILES_VERSION },
    outputs: [artifactKeys.scores(item.id), artifactKeys.histogram(item.id)],
    work: () => scoreWorkItem(ctx, run, item, proxy),
  }));
  return { run, units, finish: (items) => ({ items }) };
}
