/**
 * The parts of the WebAssembly API the embedded kernels use (the project's TypeScript libs carry no DOM types), and a
 * lazily compiled module from an embedded base64 build: the featurizer's scan kernel and the quality rules' kernel.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** One WebAssembly page, bytes. */
export const WASM_PAGE = 65536;

/** A function that compiles the embedded build once, on first use, and returns the same module after. */
export function embeddedModule(base64: string): () => object {
  let compiled: object | undefined;
  return () => (compiled ??= new Wasm.Module(Buffer.from(base64, 'base64')));
}
