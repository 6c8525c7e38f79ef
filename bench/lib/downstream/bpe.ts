/**
 * Byte-level BPE training fast enough for a megabyte of text: pair counts are kept incrementally, and a merge only
 * revisits the words that hold its pair. Gives the tokenizer.json object the downstream benchmark's GPT uses.
 */
import { byteLevelTokenizerJson, bytesToUnicode, GPT2_SPLIT } from '../tiny-causal-lm.ts';

interface Word {
  syms: number[];
  n: number;
}

const pairKey = (a: number, b: number): number => a * 65536 + b;

/**
 * Learns `vocabSize - 257` merges from `text` (256 byte symbols, the merges, and one special `<|endoftext|>` token that
 * starts every encoding). Deterministic: ties go to the pair seen first.
 */
export function trainByteLevelBpe(text: string, vocabSize: number): { json: Record<string, unknown>; vocabSize: number; bosId: number } {
  if (vocabSize > 65536 || vocabSize < 258) throw new RangeError(`vocabSize must be in [258, 65536], got ${vocabSize}`);
  const byteChar = bytesToUnicode();
  const enc = new TextEncoder();
  const counts = new Map<string, number>();
  for (const m of text.match(GPT2_SPLIT) ?? []) counts.set(m, (counts.get(m) ?? 0) + 1);
  const words: Word[] = [...counts.entries()].map(([w, n]) => ({ syms: [...enc.encode(w)], n }));
  const symbols: string[] = [...byteChar];
  const idOf = new Map(symbols.map((s, i) => [s, i]));

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: number): void => {
    const { syms, n } = words[wi]!;
    for (let i = 0; i + 1 < syms.length; i++) {
      const k = pairKey(syms[i]!, syms[i + 1]!);
      const c = (pairCount.get(k) ?? 0) + sign * n;
      if (c > 0) pairCount.set(k, c);
      else pairCount.delete(k);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(wi);
      }
    }
  };
  words.forEach((_, wi) => addPairs(wi, 1));

  const merges: string[] = [];
  for (let guard = 0; symbols.length < vocabSize - 1 && guard < 4 * vocabSize; guard++) {
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of pairCount) if (c > bestCount) [best, bestCount] = [k, c];
    if (best < 0) break;
    const a = Math.floor(best / 65536);
    const b = best % 65536;
    // Two merge paths can spell the same string ("ab c", "a bc"): both map to one vocabulary entry, as in HF's trainer.
    const spelled = symbols[a]! + symbols[b]!;
    let merged = idOf.get(spelled);
    if (merged === undefined) {
      merged = symbols.length;
      symbols.push(spelled);
      idOf.set(spelled, merged);
    }
    merges.push(`${symbols[a]} ${symbols[b]}`);
    for (const wi of pairWords.get(best) ?? []) {
      const w = words[wi]!;
      addPairs(wi, -1);
      const out: number[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) {
          out.push(merged);
          i += 1;
        } else out.push(w.syms[i]!);
      }
      w.syms = out;
      addPairs(wi, 1);
    }
    pairWords.delete(best);
  }
  const vocab: Record<string, number> = {};
  symbols.forEach((s, i) => (vocab[s] = i));
  return byteLevelTokenizerJson(vocab, merges, true);
}
