/**
 * What a job spec may make proxysel send to a server: the threat model is in docs/cloud.md. Someone who can drop a spec
 * under `jobs/` chooses the openai reference's `url` and the environment variable whose value goes out as its bearer
 * token (`apiKeyEnv`), and the sampled corpus text goes to that URL. So:
 * - `apiKeyEnv` may never name a variable of the platform the stages run on (AWS credentials and settings, the Lambda,
 *   ECS and Batch runtime's, proxysel's own), and where the operator sets `PROXYSEL_API_KEY_ENVS` (comma-separated)
 *   it must be one of those;
 * - where the operator sets `PROXYSEL_REFERENCE_URLS` (comma-separated URL prefixes; the cloud stack always sets it,
 *   from its `referenceUrls` prop), an openai `url` must lie under one of them; set but empty allows none.
 */

/** Environment of the operator's allow-lists. */
export const ALLOW_LIST_ENV = { apiKeyEnvs: 'PROXYSEL_API_KEY_ENVS', referenceUrls: 'PROXYSEL_REFERENCE_URLS' } as const;

/** Prefixes of the platform's own variables (case-insensitive): credentials, runtime settings, proxysel's settings. */
const PLATFORM_PREFIXES = ['AWS_', 'AMAZON_', 'AMZN_', '_', 'LAMBDA_', 'ECS_', 'BATCH_', 'PROXYSEL_', 'POWERTOOLS_', 'NODE_', 'NPM_', 'CDK_', 'LD_'];
/** Further platform variables by exact name. */
const PLATFORM_NAMES = new Set(['STAGE', 'STATE_MACHINE_ARN', 'JOBS_PREFIX', 'PATH', 'HOME', 'PWD', 'TZ', 'LANG', 'HOSTNAME', 'SHELL', 'USER']);

/** Why `name` may not be an apiKeyEnv whatever the operator allows, or undefined. */
export function platformVariableProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${name}" is not an environment variable name (letters, digits and _)`;
  const upper = name.toUpperCase();
  const prefix = PLATFORM_PREFIXES.find((p) => upper.startsWith(p));
  if (prefix || PLATFORM_NAMES.has(upper)) {
    return `"${name}" is a platform variable (${prefix ? `${prefix}*` : name}): a job spec may not send its value to a server; name a variable that holds only the reference server's key`;
  }
  return undefined;
}

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Why `name` may not be an apiKeyEnv here: a platform variable, or not on the operator's allow-list. */
export function apiKeyEnvProblem(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const platform = platformVariableProblem(name);
  if (platform) return platform;
  const allowed = env[ALLOW_LIST_ENV.apiKeyEnvs];
  if (allowed !== undefined && !listOf(allowed).includes(name)) {
    return `"${name}" is not on the operator's allow-list ${ALLOW_LIST_ENV.apiKeyEnvs} (${listOf(allowed).join(', ') || 'empty'})`;
  }
  return undefined;
}

/** Whether `url` lies under the allowed URL prefix `entry`: same scheme, host and port, and path folder-wise inside. */
function urlUnder(url: URL, entry: string): boolean {
  let base: URL;
  try {
    base = new URL(entry);
  } catch {
    return false;
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') return false;
  const folder = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return path.startsWith(folder);
}

/** Why an openai reference may not use `url` here (the operator's allow-list), or undefined. */
export function referenceUrlProblem(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const allowed = env[ALLOW_LIST_ENV.referenceUrls];
  if (allowed === undefined) return undefined;
  const entries = listOf(allowed);
  if (entries.length === 0) {
    return `no openai reference URL is allowed here: the operator's allow-list ${ALLOW_LIST_ENV.referenceUrls} is empty (deploy with referenceUrls)`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (entries.some((e) => urlUnder(parsed, e))) return undefined;
  return `"${url}" is not on the allow-list ${ALLOW_LIST_ENV.referenceUrls} (${entries.join(', ')})`;
}
