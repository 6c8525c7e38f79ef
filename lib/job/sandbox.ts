import { isS3Uri, locationOverlap } from '../store/index.ts';
import type { JobSpec } from './spec.ts';

/**
 * Where a spec taken from a bucket may point. A spec dropped under a watched prefix comes from whoever may write
 * there, not from the operator of the machine or function that runs it: it may only name `s3://` locations under the
 * prefixes the operator allowed (never a local path of the host that runs it), and write only under `write`.
 */
export interface LocationSandbox {
  /** `s3://bucket/prefix/` locations a spec may read (corpus, models, reference and target text, labels). */
  read: readonly string[];
  /** Where its output may go (default: the read prefixes). */
  write?: readonly string[];
  /** Said in messages: where the rule comes from (`proxysel watch --allow`, the stack's read prefixes). */
  origin: string;
}

/** Every location a spec names, by its path in the spec. */
export function specLocations(spec: JobSpec): { path: string; uri: string; writes?: true }[] {
  const out: { path: string; uri: string; writes?: true }[] = [
    { path: 'corpus.uri', uri: spec.corpus.uri },
    { path: 'output', uri: spec.output, writes: true },
  ];
  const reference = (path: string, r: JobSpec['reference'] | undefined) => {
    if (r?.kind === 'ngram') out.push({ path: `${path}.text`, uri: r.text });
    if (r?.kind === 'onnx') out.push({ path: `${path}.model`, uri: r.model });
  };
  reference('reference', spec.reference);
  if (spec.smallReference) reference('smallReference', spec.smallReference);
  if (spec.targetText !== undefined) out.push({ path: 'targetText', uri: spec.targetText });
  if (spec.labels !== undefined) out.push({ path: 'labels', uri: spec.labels });
  if (spec.proxy.kind === 'onnx') out.push({ path: 'proxy.model', uri: spec.proxy.model });
  return out;
}

function under(uri: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => {
    try {
      const relation = locationOverlap(uri, p);
      return relation === 'same' || relation === 'inside';
    } catch {
      return false;
    }
  });
}

/** Every location of the spec that the sandbox does not allow, each with why; empty when all are allowed. */
export function sandboxProblems(spec: JobSpec, sandbox: LocationSandbox): string[] {
  const problems: string[] = [];
  for (const { path, uri, writes } of specLocations(spec)) {
    const allowed = writes ? (sandbox.write ?? sandbox.read) : sandbox.read;
    const list = allowed.join(', ') || 'none';
    if (!isS3Uri(uri)) {
      problems.push(`${path}: "${uri}" is a local path; a spec taken from a bucket may only name s3:// locations under ${list} (${sandbox.origin})`);
    } else if (!under(uri, allowed)) {
      problems.push(`${path}: "${uri}" is not under an allowed prefix (${list}; ${sandbox.origin})`);
    }
  }
  return problems;
}

/** Environment variables of the cloud stack's sandbox: comma-separated `s3://bucket/prefix/` lists. */
export const SANDBOX_ENV = { readPrefixes: 'PROXYSEL_READ_PREFIXES', outputPrefix: 'PROXYSEL_OUTPUT_PREFIX' } as const;

/** The cloud stack's sandbox from the environment the stack sets on its functions, or undefined where unset (a local run). */
export function sandboxFromEnv(env: NodeJS.ProcessEnv = process.env): LocationSandbox | undefined {
  const read = env[SANDBOX_ENV.readPrefixes];
  const write = env[SANDBOX_ENV.outputPrefix];
  if (read === undefined && write === undefined) return undefined;
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const output = list(write);
  return { read: [...list(read), ...output], write: output, origin: `the stack's ${SANDBOX_ENV.readPrefixes} / ${SANDBOX_ENV.outputPrefix}` };
}
