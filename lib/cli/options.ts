/**
 * The CLI's numeric options, each checked before any work: a value that is not a number, or out of its range, is
 * refused with the flag's name (exit 2) instead of turning into NaN or a negative count somewhere downstream.
 */
import { InvalidOptionError } from '../job/index.ts';

/** What a numeric option accepts. */
export type NumberRule = 'count' | 'positive-count' | 'positive' | 'non-negative' | 'fraction' | 'any';

const RULE_WORDS: Record<NumberRule, string> = {
  count: 'a whole number >= 0',
  'positive-count': 'a whole number >= 1',
  positive: 'a number > 0',
  'non-negative': 'a number >= 0',
  fraction: 'a number in [0, 1)',
  any: 'a number',
};

function accepts(rule: NumberRule, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  switch (rule) {
    case 'count':
      return Number.isInteger(n) && n >= 0;
    case 'positive-count':
      return Number.isInteger(n) && n >= 1;
    case 'positive':
      return n > 0;
    case 'non-negative':
      return n >= 0;
    case 'fraction':
      return n >= 0 && n < 1;
    case 'any':
      return true;
  }
}

/** `--flag value` as a number under `rule`; undefined when the option was not given. Throws InvalidOptionError. */
export function numberOption(flag: string, value: string | undefined, rule: NumberRule): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const n = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!accepts(rule, n)) throw new InvalidOptionError(`--${flag}: must be ${RULE_WORDS[rule]} (got "${value}")`);
  return n;
}

/** The numeric options of every command, by flag, with what each accepts. */
export const NUMBER_OPTIONS: Record<string, NumberRule> = {
  workers: 'count',
  scale: 'positive',
  interval: 'positive',
  'drop-top': 'fraction',
  multiple: 'positive',
  lambda: 'non-negative',
  temperature: 'positive',
};

/** Checks every numeric option present in `values` (parseArgs' result), so a bad one fails before any work. */
export function checkNumberOptions(values: Record<string, unknown>): void {
  for (const [flag, rule] of Object.entries(NUMBER_OPTIONS)) {
    const v = values[flag];
    if (typeof v === 'string') numberOption(flag, v, rule);
  }
}
