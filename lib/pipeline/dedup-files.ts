/**
 * The dedup artifacts as the pipeline reads and writes them: what the score stage writes beside each item's scores
 * (signature file, band file) and the signature reads of the dedup stages (lib/run reads the removal lists).
 */
import {
  bandKeys,
  decodeSignatureHeader,
  decodeSignatureRecords,
  MinHasher,
  recordRange,
  refKey,
  SIGNATURE_HEADER_BYTES,
  SignatureFileWriter,
  BandFileWriter,
  DedupFileError,
  type MinHashParams,
  type SignatureRecord,
} from '../dedup/index.ts';
import type { DedupSpec } from '../job/index.ts';
import type { JobSpec } from '../job/index.ts';
import { docHash } from '../select/index.ts';
import type { ObjectStore } from '../store/index.ts';
import { artifactKeys, type RunFiles } from '../run/index.ts';
import { StaleInputError } from './errors.ts';

/** The MinHash parameters of a spec (exact-only deduplication has no signature: 0 hashes). */
export function minHashParamsOf(spec: JobSpec): MinHashParams {
  const d = spec.dedup;
  if (d.kind === 'minhash') return { shingle: d.shingle, hashes: d.hashes, bands: d.bands, rows: d.rows, seed: spec.sample.seed };
  return { shingle: 5, hashes: 0, bands: 0, rows: 0, seed: spec.sample.seed };
}

/** Partitions when the spec names none: one per GiB of stored corpus bytes, at least 4, at most 4096. */
export function dedupPartitionsFor(dedup: DedupSpec, corpusBytes: number): number {
  if (dedup.kind === 'none') return 0;
  return dedup.partitions ?? Math.min(4096, Math.max(4, Math.ceil(corpusBytes / 2 ** 30)));
}

/**
 * Collects, during the score stage's pass, one item's normalized-text hashes, signatures and band keys, then writes
 * scores/<item>.dedup and scores/<item>.bands. Buffers are reused: no allocation per document beyond the records.
 */
export class DedupItemWriter {
  private readonly hasher: MinHasher | undefined;
  private readonly exactOnly: { exact: [number, number]; signature: Uint32Array } | undefined;
  private readonly sigs: SignatureFileWriter;
  private readonly bands: BandFileWriter;
  private readonly keys: Uint32Array;
  private readonly params: MinHashParams;

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
    this.sigs.add(row, tokens, docHash(id, this.seed), key, exact, hasWords, signature);
    const banded = !this.exactOnly && hasWords ? bandKeys(h.signature, this.params, this.keys) : null;
    this.bands.add(pos, banded, exact);
  }

  /** Whether add() shingles word hashes (MinHash): the caller should then pass them (`known.words`). */
  get wantsWordHashes(): boolean {
    return !this.exactOnly;
  }

  async write(store: ObjectStore, run: RunFiles, item: string): Promise<void> {
    await store.write(run.uri(artifactKeys.signatures(item)), this.sigs.finish());
    await store.write(run.uri(artifactKeys.bands(item)), this.bands.finish());
  }
}

/** Records further apart than this many are read with separate range requests. */
const COALESCE_GAP = 64;

/**
 * Reads the signature records of the given documents (ref keys) with range reads, adjacent ones coalesced.
 *
 * @param items work item ids by item index
 */
export async function readSignatureRecords(
  store: ObjectStore,
  run: RunFiles,
  items: readonly string[],
  refs: readonly number[],
): Promise<Map<number, SignatureRecord>> {
  const byItem = new Map<number, number[]>();
  for (const k of refs) {
    const item = Math.floor(k / 4294967296);
    const list = byItem.get(item);
    if (list) list.push(k - item * 4294967296);
    else byItem.set(item, [k - item * 4294967296]);
  }
  const out = new Map<number, SignatureRecord>();
  for (const [item, positions] of [...byItem].sort((a, b) => a[0] - b[0])) {
    const id = items[item];
    if (id === undefined) throw new StaleInputError(`dedup: item index ${item} is not in the plan`);
    const uri = run.uri(artifactKeys.signatures(id));
    const { hashes, docs } = decodeSignatureHeader(await store.read(uri, { start: 0, end: SIGNATURE_HEADER_BYTES }), uri);
    positions.sort((a, b) => a - b);
    for (let i = 0; i < positions.length; ) {
      let j = i;
      while (j + 1 < positions.length && positions[j + 1]! - positions[j]! <= COALESCE_GAP) j++;
      const from = positions[i]!;
      const to = positions[j]!;
      if (to >= docs) throw new DedupFileError(uri, `position ${to} is past its ${docs} documents`);
      const buf = await store.read(uri, { start: recordRange(hashes, from).start, end: recordRange(hashes, to).end });
      const records = decodeSignatureRecords(buf, hashes, uri);
      for (let k = i; k <= j; k++) out.set(refKey(item, positions[k]!), records[positions[k]! - from]!);
      i = j + 1;
    }
  }
  return out;
}
