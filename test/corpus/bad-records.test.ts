import { describe, expect, it } from 'vitest';
import { BadRecordLog } from '../../lib/corpus/index.ts';
import type { BadRecord, BadRecordReason } from '../../lib/corpus/types.ts';

const bad = (file: string, line: number, reason: BadRecordReason): BadRecord => ({
  file,
  line,
  offset: line * 10,
  reason,
  message: `${file} line ${line}: ${reason}`,
});

describe('BadRecordLog', () => {
  it('counts by reason and keeps the first 20 examples in order', () => {
    const log = new BadRecordLog();
    for (let i = 1; i <= 30; i++) log.add(bad('a.jsonl', i, i % 3 === 0 ? 'missing-text' : 'invalid-json'));
    expect(log.count).toBe(30);
    expect(log.byReason).toEqual({ 'invalid-json': 20, 'missing-text': 10 });
    const j = log.toJSON();
    expect(j.count).toBe(30);
    expect(j.examples).toHaveLength(20);
    expect(j.examples.map((e) => e.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('round-trips through JSON and merges counts and examples of several logs', () => {
    const a = new BadRecordLog();
    a.add(bad('a.jsonl', 1, 'invalid-utf8'));
    a.add(bad('a.jsonl', 2, 'non-string-text'));
    const b = new BadRecordLog();
    for (let i = 1; i <= 25; i++) b.add(bad('b.jsonl', i, 'invalid-json'));
    const restored = BadRecordLog.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
    expect(restored.toJSON()).toEqual(b.toJSON());

    const total = new BadRecordLog().merge(BadRecordLog.fromJSON(a.toJSON())).merge(restored);
    expect(total.count).toBe(27);
    expect(total.toJSON().byReason).toEqual({ 'invalid-json': 25, 'invalid-utf8': 1, 'non-string-text': 1 });
    const ex = total.toJSON().examples;
    expect(ex).toHaveLength(20);
    expect(ex.slice(0, 3).map((e) => `${e.file}:${e.line}`)).toEqual(['a.jsonl:1', 'a.jsonl:2', 'b.jsonl:1']);
    expect(Object.keys(total.toJSON().byReason)).toEqual(['invalid-json', 'invalid-utf8', 'non-string-text']);
  });

  it('an empty log serializes to zero counts', () => {
    expect(new BadRecordLog().toJSON()).toEqual({ count: 0, byReason: {}, examples: [] });
  });

  it('rejects malformed JSON naming the field', () => {
    expect(() => BadRecordLog.fromJSON({ count: 'x', byReason: {}, examples: [] }, 'scores/00001.hist.json')).toThrow(
      /scores\/00001\.hist\.json: count: /,
    );
    expect(() => BadRecordLog.fromJSON({ count: 1, byReason: {}, examples: [{ file: 'a' }] })).toThrow(/examples\[0\]\.line/);
  });
});
