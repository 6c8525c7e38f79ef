import { dirname, isAbsolute, resolve } from 'node:path';
import { describeZodError } from '../validate/index.ts';
import { JobSpecError } from './errors.ts';
import { jobSpecSchema, type JobSpec } from './spec.ts';

/**
 * Validates a job spec and fills in its defaults. Throws JobSpecError naming `source` and listing every problem by
 * its path in the spec, so a bad spec fails before any work starts.
 */
export function parseJobSpec(input: unknown, source = 'job spec'): JobSpec {
  const result = jobSpecSchema.safeParse(input);
  if (!result.success) throw new JobSpecError(source, describeZodError(result.error, { schema: jobSpecSchema, input }));
  return result.data;
}

/** Parses JSON text of a spec; a syntax error is reported as a spec problem with the source named. */
export function parseJobSpecText(text: string, source: string): JobSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new JobSpecError(source, [`(root): not valid JSON (${(error as Error).message})`]);
  }
  return parseJobSpec(json, source);
}

function isLocalRelative(uri: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !isAbsolute(uri);
}

/**
 * Resolves relative local paths of a spec (corpus.uri, output, model and reference-text locations) against `baseDir`
 * (the folder of the spec file), so `proxysel run jobs/x.json` works from any working directory.
 */
export function resolveSpecPaths(spec: JobSpec, baseDir: string): JobSpec {
  const fix = (uri: string): string => {
    if (!isLocalRelative(uri)) return uri;
    const trailing = uri.endsWith('/') ? '/' : '';
    return resolve(baseDir, uri) + trailing;
  };
  const fixReference = <R extends JobSpec['reference']>(r: R): R => {
    if (r.kind === 'ngram') return { ...r, text: fix(r.text) };
    if (r.kind === 'onnx') return { ...r, model: fix(r.model) };
    return r;
  };
  return {
    ...spec,
    corpus: { ...spec.corpus, uri: fix(spec.corpus.uri) },
    output: fix(spec.output),
    reference: fixReference(spec.reference),
    smallReference: spec.smallReference ? fixReference(spec.smallReference) : undefined,
    proxy: spec.proxy.kind === 'onnx' ? { ...spec.proxy, model: fix(spec.proxy.model) } : spec.proxy,
    ...(spec.labels !== undefined ? { labels: fix(spec.labels) } : {}),
    ...(spec.targetText !== undefined ? { targetText: fix(spec.targetText) } : {}),
  };
}

/** The folder a spec file lives in (for resolveSpecPaths). */
export function specBaseDir(specPath: string): string {
  return dirname(resolve(specPath));
}
