// AssemblyScript source of MinHash's shingling kernel (compiled to WebAssembly by `npm run build:kernel`, embedded in
// minhash-kernel.wasm.ts): the signature of a text from its word hashes, as lib/dedup/signature.ts MinHasher.hashWords
// defines it (the same rolling shingle hash, bins, values and densification, bit for bit; that method calls this
// kernel, and test/dedup/signature-from-scan.test.ts compares it with MinHasher.hash over the text). A bin's minimum
// is kept with an unsigned min (a select), not a branch: in JavaScript the loop waited on the bins' branches.
//
// Memory (byte addresses, set by the caller, lib/dedup/kernel/minhash-kernel.ts): the signature (u32 [bins]), the
// bins' filled flags (u8 [bins]) and the word hashes of one text (i32).

const GOLDEN: i32 = <i32>0x9e3779b1;
const SHINGLE_BASE: i32 = 0x01000193;
const VALUE_SALT: i32 = 0x27d4eb2f;
const PROBE_SALT: i32 = 0x165667b1;

let bins: i32 = 0;
let shingle: i32 = 1;
let seed: i32 = 0;
let outWeight: i32 = 1;
let sigAt: usize = 0;
let filledAt: usize = 0;

/** Where the caller may place its regions: the first address after the kernel's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** The parameters (hashes, shingle, seed, SHINGLE_BASE^(shingle - 1)) and the signature's and flags' addresses. */
export function setup(hashes: i32, shingleWords: i32, hashSeed: i32, leavingWeight: i32, signature: usize, filled: usize): void {
  bins = hashes;
  shingle = shingleWords;
  seed = hashSeed;
  outWeight = leavingWeight;
  sigAt = signature;
  filledAt = filled;
}

// @ts-ignore: decorator
@inline function fmix32(x: i32): i32 {
  let h = x;
  h ^= h >>> 16;
  h *= <i32>0x85ebca6b;
  h ^= h >>> 13;
  h *= <i32>0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/** bin = floor(h * bins / 2^32) (h unsigned). */
// @ts-ignore: decorator
@inline function binOf(h: i32): usize {
  return <usize>((<u64><u32>h * <u64>bins) >>> 32);
}

// @ts-ignore: decorator
@inline function addShingle(h: i32): void {
  const bin = binOf(h);
  const a = sigAt + (bin << 2);
  store<u32>(a, min<u32>(load<u32>(a), <u32>fmix32(h ^ VALUE_SALT)));
  store<u8>(filledAt + bin, 1);
}

// @ts-ignore: decorator
@inline function word(words: usize, i: i32): i32 {
  return load<i32>(words + ((<usize>i) << 2));
}

/** The signature of the text whose `count` (at least 1) word hashes are at `words`, densified, at the signature address. */
export function signature(words: usize, count: i32): void {
  memory.fill(sigAt, 0xff, (<usize>bins) << 2);
  memory.fill(filledAt, 0, <usize>bins);
  let roll = 0;
  if (count < shingle) {
    for (let i = 0; i < count; i++) roll = roll * SHINGLE_BASE + word(words, i);
    addShingle(fmix32(roll ^ seed ^ (count * GOLDEN)));
  } else {
    for (let i = 0; i < shingle; i++) roll = roll * SHINGLE_BASE + word(words, i);
    addShingle(fmix32(roll ^ seed));
    for (let i = shingle; i < count; i++) {
      roll = (roll - word(words, i - shingle) * outWeight) * SHINGLE_BASE + word(words, i);
      addShingle(fmix32(roll ^ seed));
    }
  }
  // Densification: each empty bin copies the first filled bin of its seeded probe sequence.
  for (let bin = 0; bin < bins; bin++) {
    if (load<u8>(filledAt + <usize>bin) != 0) continue;
    for (let attempt = 1; ; attempt++) {
      const from = binOf(fmix32(((bin + 1) * GOLDEN) ^ (attempt * PROBE_SALT) ^ seed));
      if (load<u8>(filledAt + from) != 0) {
        store<u32>(sigAt + ((<usize>bin) << 2), load<u32>(sigAt + (from << 2)));
        break;
      }
    }
  }
}
