import type { BadRecordLog } from '../corpus/index.ts';
import type { ReadOptions } from '../corpus/index.ts';
import type { JobSpec } from '../job/index.ts';

/** Corpus read options from the job spec; bad records go to `bad`. */
export function readOptionsFor(spec: JobSpec, bad: BadRecordLog): ReadOptions {
  return {
    textField: spec.corpus.textField,
    idField: spec.corpus.idField,
    onBadRecord: spec.corpus.onBadRecord,
    onBadShard: spec.corpus.onBadShard,
    onBad: (b) => bad.add(b),
  };
}
