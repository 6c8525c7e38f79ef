/**
 * Joins `--name -1` into `--name=-1` for options that take a value, so node's parseArgs reads the negative number as
 * the value (and the command can say what is wrong with it) instead of refusing it as ambiguous.
 */
export function joinNegativeValues(args: readonly string[], valueOptions: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.startsWith('--') && valueOptions.includes(a.slice(2)) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i += 1;
    } else out.push(a);
  }
  return out;
}
