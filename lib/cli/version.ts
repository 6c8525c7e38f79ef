import { readFileSync } from 'node:fs';

/** proxysel's version, from its package.json (`proxysel --version`). */
export function proxyselVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
