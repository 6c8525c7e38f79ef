/** The CLI's parts: option parsing, the demo's cached corpus and job spec, the summary printed after a run. */
export { joinNegativeValues } from './args.ts';
export { demoCacheDir, demoJobSpec, ensureDemoCorpus } from './demo.ts';
export { formatSummary } from './summary.ts';
