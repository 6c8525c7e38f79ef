/** The `proxysel` command (main.ts) and its parts: option parsing, output (colour, quiet), the demo's cached corpus and job spec, the summary printed after a run. */
export { joinNegativeValues } from './args.ts';
export { demoCacheDir, demoJobSpec, ensureDemoCorpus } from './demo.ts';
export { estimateCommand, ESTIMATE_USAGE } from './estimate.ts';
export { checkNumberOptions, numberOption } from './options.ts';
export { cliLogger, colourFor, progressDisplayFor } from './output.ts';
export { formatSummary } from './summary.ts';
export { proxyselVersion } from './version.ts';
export { UsageError } from './errors.ts';
export { cli, exitCodeOf, main } from './main.ts';
