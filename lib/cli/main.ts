/**
 * The `proxysel` command: run a job, run the demo, re-select from stored scores, validate a spec, watch a jobs prefix.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { demoCacheDir, demoJobSpec, ensureDemoCorpus } from './demo.ts';
import { ESTIMATE_USAGE, estimateCommand } from './estimate.ts';
import { joinNegativeValues } from './args.ts';
import { checkNumberOptions, numberOption } from './options.ts';
import { cliLogger, colourFor, progressDisplayFor } from './output.ts';
import { selectionFromFlags } from './select.ts';
import { formatSummary } from './summary.ts';
import { proxyselVersion } from './version.ts';
import { UsageError } from './errors.ts';
import { isBadInput } from '../errors.ts';
import { InvalidOptionError, JobSpecError, JobSpecFileError, parseJobSpecText, resolvedOverlapProblem, resolveSpecPaths, specBaseDir } from '../job/index.ts';
import { textLogger } from '../pipeline/index.ts';
import { BUSY_EXIT_CODE, RUN_LOCK_BUSY } from '../run/index.ts';
import { reselect, runJob } from '../runner/index.ts';
import { writeReport } from '../report/index.ts';
import { POLICY_KIND_NAMES } from '../select/index.ts';
import { createStore, isS3Uri, parseUri, s3OptionsFromEnv } from '../store/index.ts';
import { pollJobSpecs, runSpecLocally, watchJobSpecs, type WatchOptions } from '../trigger/index.ts';

/** Each command's usage, shown by `proxysel <command> --help` and together by `proxysel --help`. */
const COMMAND_USAGE: Record<string, string> = {
  run: `proxysel run <job.json> [--out <uri>] [--workers N] [--quiet] [--wait]
      run every stage of a job on this machine (local paths, file:// or s3:// on any S3-compatible endpoint:
      set AWS_ENDPOINT_URL_S3 and AWS_S3_FORCE_PATH_STYLE=true for MinIO and the like); a second run resumes.
      One run or select at a time per output: another one refuses with exit code 75, or waits with --wait
`,
  demo: `proxysel demo [--out DIR] [--scale N]
      build the demo corpus (cached) and run the demo job into DIR (default ./out/demo)
`,
  select: `proxysel select <output-uri> [--budget tokens=N|fraction=F|docs=N] [--policy ${POLICY_KIND_NAMES.join('|')}]
      [--lower Q] [--centre Q] [--upper Q] [--fill ceiling|always] [--untrusted exclude|keep]
      [--drop-top Q] [--multiple M] [--lambda L] [--temperature T] [--force] [--wait]
      re-run reduce and select over the stored scores for a new budget or policy (no scoring); the new selection
      replaces the run's selected/, manifest.json and report.html, so it is refused without --force (copy the run's
      folder first to keep both); refuses with exit code 75 while a run or select holds the output (--wait: start
      when it ends)
`,
  report: `proxysel report <output-uri>
      (re)generate report.html from the artifacts of a finished run and print where it is
`,
  validate: `proxysel validate <job.json>
      check a job spec and print it with its defaults filled in
`,
  watch: `proxysel watch <jobs-prefix> [--interval S] [--once] [--workers N] [--quiet] [--allow s3://bucket/prefix/]...
      poll a jobs/ prefix (s3:// on any S3-compatible endpoint, or a folder) and run each new spec once, locally:
      the cloud trigger without EventBridge (same execution names; markers under <jobs-prefix>_started/).
      A spec from a bucket may only name s3:// locations under the --allow prefixes (repeatable; default: the
      watched bucket), never a local path; others are moved aside to <spec>.REJECTED with the reasons
`,
  estimate: ESTIMATE_USAGE,
};

const USAGE = `proxysel: select LLM training data under a compute budget with a small proxy model

usage:
${Object.values(COMMAND_USAGE)
  .map((u) => `  ${u}`)
  .join('')}options:
  --workers N     worker threads for per-item stages (default: all cores; 0 runs them in this thread)
  --quiet         no progress (warnings and errors still print)
  --help, -h      this text; after a command, that command's usage
  --version, -v   proxysel's version

Colour only on a terminal; NO_COLOR=1 turns it off. Exit status: 0 done, 1 the run failed, 2 bad input (spec, options, a bad record), 75 the output is busy.
`;

/**
 * The prefixes specs of a watched prefix may name: the --allow ones (s3:// only), else the watched bucket when it is
 * one; none (no sandbox) for a local folder watched without --allow.
 */
function watchSandbox(prefix: string, allow: string[] | undefined): string[] | undefined {
  if (allow && allow.length > 0) {
    const local = allow.filter((a) => !isS3Uri(a));
    if (local.length > 0) throw new InvalidOptionError(`--allow takes s3://bucket/prefix/ locations (got ${local.join(', ')})`);
    return allow;
  }
  if (!isS3Uri(prefix)) return undefined;
  const parsed = parseUri(prefix) as { bucket: string };
  return [`s3://${parsed.bucket}/`];
}

/** Options that take a value: a negative number after a space (`--lambda -1`) is their value, not an option. */
const VALUE_OPTIONS = ['out', 'workers', 'scale', 'budget', 'policy', 'drop-top', 'multiple', 'lambda', 'temperature', 'lower', 'centre', 'upper', 'fill', 'untrusted', 'interval', 'allow'];

async function loadSpecFile(path: string) {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new JobSpecFileError(path, e.code ?? e.message);
  });
  const spec = resolveSpecPaths(parseJobSpecText(text, path), specBaseDir(path));
  // Once relative paths are resolved against the spec's folder (and links followed), the output may turn out to be
  // inside the corpus: validate refuses it as run does.
  const overlap = await resolvedOverlapProblem(spec.output, spec.corpus.uri);
  if (overlap) throw new JobSpecError(path, [`output: ${overlap}`]);
  return spec;
}

/** Runs a job spec on this machine and prints the run's summary. */
async function runAndSummarize(spec: unknown, opts: { out?: string; workers?: string; quiet?: boolean; wait?: boolean }, command: string): Promise<void> {
  const display = progressDisplayFor(Boolean(opts.quiet));
  const log = cliLogger(display, { quiet: opts.quiet });
  const result = await runJob(spec, {
    output: opts.out,
    s3: s3OptionsFromEnv(),
    workers: numberOption('workers', opts.workers, 'count'),
    display,
    log,
    lock: { command, wait: Boolean(opts.wait) },
  });
  process.stdout.write(formatSummary(result.manifest, result.timings, result.output) + '\n');
}

/** The options of every command but `estimate` (which parses its own, lib/cli/estimate.ts). */
const OPTIONS = {
  out: { type: 'string' },
  workers: { type: 'string' },
  quiet: { type: 'boolean' },
  scale: { type: 'string' },
  budget: { type: 'string' },
  policy: { type: 'string' },
  'drop-top': { type: 'string' },
  multiple: { type: 'string' },
  lambda: { type: 'string' },
  temperature: { type: 'string' },
  lower: { type: 'string' },
  centre: { type: 'string' },
  upper: { type: 'string' },
  fill: { type: 'string' },
  untrusted: { type: 'string' },
  interval: { type: 'string' },
  once: { type: 'boolean' },
  force: { type: 'boolean' },
  wait: { type: 'boolean' },
  allow: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Values = ReturnType<typeof parseCommandLine>['values'];

/** The command line of every command but `estimate`, parsed. */
function parseCommandLine(rest: string[]) {
  return parseArgs({ args: joinNegativeValues(rest, VALUE_OPTIONS), allowPositionals: true, options: OPTIONS });
}

/** `proxysel run <job.json>`: the whole pipeline on this machine. */
async function runCommand(values: Values, positionals: string[]): Promise<number> {
  const path = positionals[0];
  if (!path) throw new UsageError('proxysel run: give the path of a job spec (JSON)');
  await runAndSummarize(await loadSpecFile(path), values, `proxysel run ${path}`);
  return 0;
}

/** `proxysel demo`: builds (or reuses) the demo corpus and runs its job. */
async function demoCommand(values: Values, positionals: string[]): Promise<number> {
  const scale = numberOption('scale', values.scale, 'positive') ?? 1;
  const display = progressDisplayFor(Boolean(values.quiet));
  const log = cliLogger(display, { quiet: values.quiet });
  const dir = demoCacheDir(process.env, scale);
  await ensureDemoCorpus(dir, scale, log);
  const spec = await demoJobSpec(dir, values.out ?? 'out/demo');
  display.stop();
  await runAndSummarize(spec, { workers: values.workers, quiet: values.quiet, wait: values.wait }, 'proxysel demo');
  return 0;
}

/** `proxysel select <output>`: a new budget or policy over a finished run's scores. */
async function selectCommand(values: Values, positionals: string[]): Promise<number> {
  const output = positionals[0];
  if (!output) throw new UsageError('proxysel select: give the output location of a finished run');
  const display = progressDisplayFor(Boolean(values.quiet));
  const result = await reselect(
    output,
    { ...selectionFromFlags(values), ifSelected: values.force ? 'replace' : 'refuse' },
    {
      store: createStore({ s3: s3OptionsFromEnv() }),
      log: cliLogger(display, { quiet: values.quiet }),
      lock: { command: `proxysel select ${output}`, wait: Boolean(values.wait) },
    },
  ).finally(() => display.stop());
  process.stdout.write(formatSummary(result.manifest, result.timings, output) + '\n');
  return 0;
}

/** `proxysel report <output>`: renders report.html again from a finished run. */
async function reportCommand(values: Values, positionals: string[]): Promise<number> {
  const output = positionals[0];
  if (!output) throw new UsageError('proxysel report: give the output location of a finished run');
  const uri = await writeReport(createStore({ s3: s3OptionsFromEnv() }), output);
  process.stdout.write(`${uri}\n`);
  return 0;
}

/** `proxysel validate <job.json>`: the spec with its defaults, or what is wrong with it. */
async function validateCommand(values: Values, positionals: string[]): Promise<number> {
  const path = positionals[0];
  if (!path) throw new UsageError('proxysel validate: give the path of a job spec (JSON)');
  const spec = await loadSpecFile(path);
  process.stdout.write(JSON.stringify(spec, null, 2) + '\n');
  return 0;
}

/** `proxysel watch <prefix>`: runs every job spec dropped under the prefix. */
async function watchCommand(values: Values, positionals: string[]): Promise<number> {
  const prefix = positionals[0];
  if (!prefix) throw new UsageError('proxysel watch: give the jobs prefix to watch (s3://bucket/jobs/ or a folder)');
  const intervalSeconds = numberOption('interval', values.interval, 'positive') ?? 10;
  const s3 = s3OptionsFromEnv();
  const store = createStore({ s3 });
  const log = textLogger((line) => process.stderr.write(line + '\n'), { colour: colourFor(process.stderr) });
  const workers = numberOption('workers', values.workers, 'count');
  const allow = watchSandbox(prefix, values.allow);
  const run: WatchOptions['run'] = async (spec, name) => {
    const display = progressDisplayFor(Boolean(values.quiet));
    try {
      const result = await runSpecLocally(spec, name, { store, s3, workers, display, log: cliLogger(display, { quiet: values.quiet }) });
      process.stdout.write(formatSummary(result.manifest, result.timings, result.output) + '\n');
    } finally {
      display.stop();
    }
  };
  if (values.once) {
    const polled = await pollJobSpecs({ prefix, store, run, log, allow });
    return polled.failed.length > 0 ? 1 : 0;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  log.info(`watching ${prefix} every ${intervalSeconds} s (Ctrl-C to stop)`);
  await watchJobSpecs({ prefix, store, run, log, intervalSeconds, signal: stop.signal, allow });
  return 0;
}

/** The commands `main` dispatches to, by name (`estimate` and the help and version flags are answered before). */
const COMMANDS: Readonly<Record<string, (values: Values, positionals: string[]) => Promise<number>>> = {
  run: runCommand,
  demo: demoCommand,
  select: selectCommand,
  report: reportCommand,
  validate: validateCommand,
  watch: watchCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`proxysel ${proxyselVersion()}\n`);
    return 0;
  }
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (command !== undefined && COMMAND_USAGE[command] && wantsHelp) {
    process.stdout.write(`usage:\n  ${COMMAND_USAGE[command]}`);
    return 0;
  }
  if (command === 'estimate') {
    // Its own flags (sizes, prices): parsed by the cost module.
    process.stdout.write((await estimateCommand(rest)) + '\n');
    return 0;
  }
  const { values, positionals } = parseCommandLine(rest);
  if (values.version) {
    process.stdout.write(`proxysel ${proxyselVersion()}\n`);
    return 0;
  }
  if (!command || command === 'help' || command === '--help' || command === '-h' || values.help) {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  checkNumberOptions(values);
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!handler) {
    process.stderr.write(`proxysel: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return handler(values, positionals);
}

/**
 * The exit status of a command that threw: 2 when the input a person gave is at fault (spec, options, corpus: the
 * error's `badInput` mark, which an error from a worker thread keeps), 75 when the output is locked by another run or
 * select (try again later, or pass --wait), else 1. By name and mark, never `instanceof`.
 */
export function exitCodeOf(error: unknown): 1 | 2 | 75 {
  if ((error as Error | undefined)?.name === RUN_LOCK_BUSY) return BUSY_EXIT_CODE;
  return isBadInput(error) || isParseArgsError(error) ? 2 : 1;
}

/** node:util parseArgs' refusals (an unknown option, a missing value): the person's input, exit 2. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Runs the command; a failure is printed once, as one `proxysel: <what>` message on stderr (the runner records it in
 * `_FAILED` without logging it again), and sets the exit status.
 */
export async function cli(argv = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    const e = error as Error;
    const hint = isParseArgsError(error) ? ' (proxysel --help lists the options)' : '';
    process.stderr.write(`proxysel: ${e.message ?? String(e)}${hint}\n`);
    if (process.env.PROXYSEL_DEBUG && e.stack) process.stderr.write(e.stack + '\n');
    process.exitCode = exitCodeOf(error);
  }
}
