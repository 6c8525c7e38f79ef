import { CostInputError } from './errors.ts';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

/** The largest size accepted: 1 EB, about a thousand times every public web crawl together. */
const MAX_SIZE = 1e18;

/**
 * Parses a size such as `10TB`, `2.5 GiB`, `750mb` or `1e12` into bytes (decimal units for KB..PB, binary for
 * KiB..PiB). `what` names the flag or field in the error.
 */
export function parseSize(text: string, what: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? (m[2] ?? '').toLowerCase() || 'b' : '';
  const factor = UNITS[unit];
  if (!m || factor === undefined) {
    throw new CostInputError(`${what}: "${text}" is not a size (examples: 10TB, 500GB, 2.5TiB, 1e12)`);
  }
  const bytes = Number(m[1]) * factor;
  if (!(bytes > 0) || !Number.isFinite(bytes)) throw new CostInputError(`${what}: "${text}" must be a positive size`);
  if (bytes > MAX_SIZE) throw new CostInputError(`${what}: "${text}" is ${bytes.toExponential(2)} bytes; sizes are at most 1 EB (1e18 bytes)`);
  return bytes;
}

/** Human size with decimal units: 1.2 TB, 340 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
