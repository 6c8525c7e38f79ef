import { describe, expect, it } from 'vitest';
import { CostInputError, formatBytes, parseSize } from '../../lib/cost/index.ts';

describe('parseSize', () => {
  it('reads decimal and binary units, case-insensitive, with or without a space', () => {
    expect(parseSize('10TB', 'x')).toBe(10e12);
    expect(parseSize('2.5 gb', 'x')).toBe(2.5e9);
    expect(parseSize('1TiB', 'x')).toBe(2 ** 40);
    expect(parseSize('512MiB', 'x')).toBe(512 * 2 ** 20);
    expect(parseSize('1e12', 'x')).toBe(1e12);
    expect(parseSize('42', 'x')).toBe(42);
  });

  it('rejects what is not a positive size, naming the flag', () => {
    expect(() => parseSize('ten TB', '--corpus-bytes')).toThrow(CostInputError);
    expect(() => parseSize('10XB', '--corpus-bytes')).toThrow(/--corpus-bytes: "10XB" is not a size/);
    expect(() => parseSize('0', '--shard-bytes')).toThrow(/--shard-bytes/);
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(10e12)).toBe('10.0 TB');
    expect(formatBytes(256e6)).toBe('256 MB');
    expect(formatBytes(999)).toBe('999 B');
  });
});
