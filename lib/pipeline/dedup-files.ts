/**
 * The dedup artifacts as the pipeline reads and writes them: what the score stage writes beside each item's scores
 * (signature file, band file) and the signature reads of the dedup stages (lib/run reads the removal lists).
 */
import {
  bandKeys,
  decodeSignatureHeader,
  MinHasher,
  recordRange,
  refKey,
  SIGNATURE_HEADER_BYTES,
  SignatureFileWriter,
  SignatureTable,
  BandFileWriter,
  DedupFileError,
  dedupLayout,
  type DedupLayout,
  type MinHashParams,
} from '../dedup/index.ts';
import type { DedupSpec } from '../job/index.ts';
import type { JobSpec } from '../job/index.ts';
import { docHash } from '../select/index.ts';
import { ObjectStream, type ObjectStore } from '../store/index.ts';
import { artifactKeys, type RunFiles } from '../run/index.ts';
import { StaleInputError } from './errors.ts';

/** The MinHash parameters of a spec (exact-only deduplication has no signature: 0 hashes). */
export function minHashParamsOf(spec: JobSpec): MinHashParams {
  const d = spec.dedup;
  if (d.kind === 'minhash') return { shingle: d.shingle, hashes: d.hashes, bands: d.bands, rows: d.rows, seed: spec.sample.seed };
  return { shingle: 5, hashes: 0, bands: 0, rows: 0, seed: spec.sample.seed };
}

/** The dedup shuffle's partitions and gather groups for a corpus (lib/dedup/layout.ts). */
export function dedupLayoutOf(dedup: DedupSpec, corpusBytes: number, items: number): DedupLayout {
  return dedupLayout({ kind: dedup.kind, ...(dedup.kind === 'minhash' ? { bands: dedup.bands } : {}), ...(dedup.kind !== 'none' && dedup.partitions ? { partitions: dedup.partitions } : {}) }, corpusBytes, items);
}

/**
 * Collects, during the score stage's pass, one item's normalized-text hashes, signatures and band keys, and streams
 * them to scores/<item>.dedup and scores/<item>.bands a chunk at a time (`flush` after each batch, `close` at the end):
 * its memory does not grow with the item. Buffers are reused: no allocation per document.
 */
export class DedupItemWriter {
  private readonly hasher: MinHasher | undefined;
  private readonly exactOnly: { exact: [number, number]; signature: Uint32Array } | undefined;
  private readonly sigs: SignatureFileWriter;
  private readonly bands: BandFileWriter;
  private readonly keys: Uint32Array;
  private readonly params: MinHashParams;
  private streams: { sigs: ObjectStream; bands: ObjectStream } | undefined;

  constructor(
    spec: JobSpec,
    partitions: number,
    private readonly seed = spec.sample.seed,
  ) {
    this.params = minHashParamsOf(spec);
    // Exact-only still needs the normalized-text hash: a 1-hash hasher whose signature is not stored.
    this.hasher =
      this.params.hashes > 0 ? new MinHasher(this.params) : new MinHasher({ shingle: 1, hashes: 1, bands: 1, rows: 1, seed: this.params.seed }, { exactOnly: true });
    this.exactOnly = this.params.hashes > 0 ? undefined : { exact: [0, 0], signature: new Uint32Array(0) };
    this.sigs = new SignatureFileWriter(this.params.hashes);
    this.bands = new BandFileWriter(partitions);
    this.keys = new Uint32Array(this.params.bands);
  }

  /**
   * Adds the next document of the score file (its position is the number added before it). `known`: the text's
   * normalized-text hash when the caller measured it already (the featurizer's scan does); exact-only deduplication
   * then does not scan the text again, and MinHash shingles `known.words[wordsFrom, wordsTo)` (the text's word hashes,
   * from the same scan) when given instead of scanning the text (MinHasher.hashWords: the same signature).
   */
  add(
    text: string, row: number, tokens: number, key: number | null, id: string,
    known?: { exact: readonly [number, number]; hasWords: boolean; words?: Int32Array; wordsFrom?: number; wordsTo?: number },
  ): void {
    const h = this.hasher!;
    const pos = this.sigs.docs;
    let exact: readonly [number, number] = h.exact;
    let hasWords: boolean;
    if (this.exactOnly && known) {
      exact = known.exact;
      hasWords = known.hasWords;
    } else if (known?.words) hasWords = h.hashWords(known.words, known.wordsFrom!, known.wordsTo!, known.exact);
    else hasWords = h.hash(text);
    const signature = this.exactOnly ? this.exactOnly.signature : h.signature;
    const tie = docHash(id, this.seed);
    this.sigs.add(row, tokens, tie, key, exact, hasWords, signature);
    const banded = !this.exactOnly && hasWords ? bandKeys(h.signature, this.params, this.keys) : null;
    this.bands.add(pos, banded, exact, { row, tokens, tie, key });
  }

  /** Opens the item's two files; until `close`, neither exists (a failed item leaves none). */
  open(store: ObjectStore, run: RunFiles, item: string): void {
    this.streams = { sigs: new ObjectStream(store, run.uri(artifactKeys.signatures(item))), bands: new ObjectStream(store, run.uri(artifactKeys.bands(item))) };
  }

  /** Writes the chunks that are full. */
  async flush(): Promise<void> {
    const s = this.opened();
    for (let chunk = this.sigs.take(); chunk; chunk = this.sigs.take()) await s.sigs.write(chunk);
    for (let chunk = this.bands.take(); chunk; chunk = this.bands.take()) await s.bands.write(chunk);
  }

  /** Writes the rest and stores both files. */
  async close(): Promise<void> {
    const s = this.opened();
    await this.flush();
    await s.sigs.write(this.sigs.finish());
    await s.bands.write(this.bands.finish());
    await s.sigs.end();
    await s.bands.end();
  }

  /** Abandons both files (the item failed). */
  async abort(reason: Error): Promise<void> {
    await this.streams?.sigs.abort(reason);
    await this.streams?.bands.abort(reason);
  }

  private opened(): { sigs: ObjectStream; bands: ObjectStream } {
    if (!this.streams) throw new Error('DedupItemWriter: open() was not called');
    return this.streams;
  }

  /** Whether add() shingles word hashes (MinHash): the caller should then pass them (`known.words`). */
  get wantsWordHashes(): boolean {
    return !this.exactOnly;
  }
}

/**
 * Records closer than this many bytes are read in one range request: a request costs as much as ~1 MiB of transfer
 * takes, so a file whose wanted records are spread densely is read in one or a few requests, not one per record.
 */
const COALESCE_BYTES = 4 << 20;

/**
 * Reads the signature records of the given documents (ref keys) into a table: one header read per item, then range
 * reads, records less than COALESCE_BYTES apart in one (for exact deduplication's 28-byte records, one read per item up
 * to 150,000 records apart).
 *
 * @param items work item ids by item index
 * @param hashes the plan's signature length (every file read must have it)
 */
export async function readSignatureTable(
  store: ObjectStore,
  run: RunFiles,
  items: readonly string[],
  refs: readonly number[],
  hashes: number,
): Promise<SignatureTable> {
  const byItem = new Map<number, number[]>();
  for (const k of refs) {
    const item = Math.floor(k / 4294967296);
    const list = byItem.get(item);
    if (list) list.push(k - item * 4294967296);
    else byItem.set(item, [k - item * 4294967296]);
  }
  const out = new SignatureTable(hashes, refs.length);
  for (const [item, positions] of [...byItem].sort((a, b) => a[0] - b[0])) {
    const id = items[item];
    if (id === undefined) throw new StaleInputError(`dedup: item index ${item} is not in the plan`);
    const uri = run.uri(artifactKeys.signatures(id));
    const header = decodeSignatureHeader(await store.read(uri, { start: 0, end: SIGNATURE_HEADER_BYTES }), uri);
    if (header.hashes !== hashes) throw new StaleInputError(`dedup: ${uri} holds signatures of ${header.hashes} hashes, the plan asks for ${hashes}; score the item again`);
    const size = header.recordBytes;
    const gap = Math.max(1, Math.floor(COALESCE_BYTES / size));
    positions.sort((a, b) => a - b);
    for (let i = 0; i < positions.length; ) {
      let j = i;
      while (j + 1 < positions.length && positions[j + 1]! - positions[j]! <= gap) j++;
      const from = positions[i]!;
      const to = positions[j]!;
      const range = { start: recordRange(hashes, from).start, end: recordRange(hashes, to).end };
      const buf = await store.read(uri, range);
      if (buf.length !== range.end - range.start) throw new DedupFileError(uri, `position ${to} is past its end (${range.end} bytes wanted, the file ends before)`);
      for (let k = i; k <= j; k++) out.add(refKey(item, positions[k]!), buf, (positions[k]! - from) * size, uri);
      i = j + 1;
    }
  }
  return out;
}
