import { MINHASH_KERNEL_WASM_BASE64 } from './minhash-kernel.wasm.ts';
import { embeddedModule, Wasm, WASM_PAGE, type WasmMemory } from '../../wasm.ts';

/**
 * MinHash's shingling as a WebAssembly kernel (minhash-kernel.as.ts, AssemblyScript, embedded by `npm run build:kernel`):
 * the signature of a text from its word hashes (MinHasher.hashWords). Memory: the signature and the bins' flags from
 * heapBase, then the word hashes of the text at hand (the memory grows to the longest text's).
 */

interface MinHashKernelExports {
  memory: WasmMemory;
  heapBase(): number;
  setup(hashes: number, shingle: number, seed: number, outWeight: number, signature: number, filled: number): void;
  signature(words: number, count: number): void;
}

const align = (x: number): number => (x + 15) & ~15;
const minhashKernelModule = embeddedModule(MINHASH_KERNEL_WASM_BASE64);

/** One kernel instance per MinHasher (its parameters are the instance's). */
export class MinHashKernel {
  private readonly ex: MinHashKernelExports;
  private readonly sigAt: number;
  private readonly wordsAt: number;
  private i32 = new Int32Array(0);
  private sig = new Uint32Array(0);

  constructor(private readonly hashes: number, shingle: number, seed: number, outWeight: number) {
    this.ex = new Wasm.Instance(minhashKernelModule(), {}).exports as unknown as MinHashKernelExports;
    this.sigAt = align(this.ex.heapBase());
    const filledAt = align(this.sigAt + hashes * 4);
    this.wordsAt = align(filledAt + hashes);
    this.ensure(this.wordsAt);
    this.ex.setup(hashes, shingle, seed | 0, outWeight | 0, this.sigAt, filledAt);
  }

  private ensure(end: number): void {
    const mem = this.ex.memory;
    const have = mem.buffer.byteLength;
    if (end > have) mem.grow(Math.ceil((end - have) / WASM_PAGE));
    if (this.i32.buffer !== mem.buffer) {
      this.i32 = new Int32Array(mem.buffer);
      this.sig = new Uint32Array(mem.buffer, this.sigAt, this.hashes);
    }
  }

  /** Writes into `out` the densified signature of the text whose word hashes are words[from, to) (at least one). */
  signature(words: Int32Array, from: number, to: number, out: Uint32Array): void {
    this.ensure(this.wordsAt + (to - from) * 4);
    this.i32.set(words.subarray(from, to), this.wordsAt >> 2);
    this.ex.signature(this.wordsAt, to - from);
    out.set(this.sig);
  }
}
