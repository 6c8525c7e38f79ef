import { z } from 'zod';
import type { BadRecord, BadRecordReason } from './types.ts';
import { formatZodError } from '../validate/index.ts';

/** Examples kept (the first ones, in order). */
export const BAD_RECORD_EXAMPLES = 20;

const reasons = ['invalid-json', 'missing-text', 'non-string-text', 'invalid-utf8', 'missing-id', 'unreadable-shard'] as const satisfies readonly BadRecordReason[];

/** The JSON form of a BadRecordLog, as stored in histograms and the manifest. */
export const badRecordLogSchema = z.object({
  count: z.number().int().nonnegative(),
  byReason: z.record(z.string(), z.number().int().nonnegative()),
  examples: z.array(
    z.object({ file: z.string(), line: z.number(), offset: z.number(), reason: z.enum(reasons), message: z.string() }),
  ),
});
export type BadRecordLogJSON = z.infer<typeof badRecordLogSchema>;

/** Counts bad records by reason and keeps the first few as examples; logs of work items merge into a run's. */
export class BadRecordLog {
  private total = 0;
  /** Count of bad records per reason. */
  readonly byReason: Record<string, number> = {};
  private readonly examples: BadRecord[] = [];

  add(bad: BadRecord): void {
    this.total += 1;
    this.byReason[bad.reason] = (this.byReason[bad.reason] ?? 0) + 1;
    if (this.examples.length < BAD_RECORD_EXAMPLES) this.examples.push({ ...bad });
  }

  /** Number of bad records seen. */
  get count(): number {
    return this.total;
  }

  /** Adds another log's counts; its examples follow this one's, up to the limit. */
  merge(other: BadRecordLog): this {
    const j = other.toJSON();
    this.total += j.count;
    for (const [reason, n] of Object.entries(j.byReason)) this.byReason[reason] = (this.byReason[reason] ?? 0) + n;
    for (const ex of j.examples) {
      if (this.examples.length >= BAD_RECORD_EXAMPLES) break;
      this.examples.push(ex);
    }
    return this;
  }

  /** `{ count, byReason, examples }` with reasons in sorted order (deterministic bytes) and the first examples. */
  toJSON(): BadRecordLogJSON {
    const byReason: Record<string, number> = {};
    for (const reason of Object.keys(this.byReason).sort()) byReason[reason] = this.byReason[reason]!;
    return { count: this.total, byReason, examples: this.examples.map((e) => ({ ...e })) };
  }

  /** Rebuilds a log from its JSON form, validating it (`source` names where it came from in errors). */
  static fromJSON(json: unknown, source = 'bad record log'): BadRecordLog {
    const parsed = badRecordLogSchema.safeParse(json);
    if (!parsed.success) {
      throw new TypeError(`${source}: ${formatZodError(parsed.error)}`);
    }
    const log = new BadRecordLog();
    log.total = parsed.data.count;
    for (const [reason, n] of Object.entries(parsed.data.byReason)) log.byReason[reason] = n;
    for (const ex of parsed.data.examples.slice(0, BAD_RECORD_EXAMPLES)) log.examples.push(ex);
    return log;
  }
}
