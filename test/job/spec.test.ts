import { describe, expect, it } from 'vitest';
import { JobSpecError, parseJobSpec, parseJobSpecText, resolveSpecPaths } from '../../lib/job/index.ts';

const minimal = {
  name: 'demo',
  corpus: { uri: 'corpus/' },
  output: 'out/',
  budget: { tokens: 1000 },
  reference: { kind: 'ngram', text: 'ref.txt' },
};

function problemsOf(input: unknown): string[] {
  try {
    parseJobSpec(input, 'job.json');
  } catch (error) {
    expect(error).toBeInstanceOf(JobSpecError);
    return (error as JobSpecError).problems;
  }
  throw new Error('expected the spec to be rejected');
}

describe('job spec', () => {
  it('fills defaults for every optional section', () => {
    const spec = parseJobSpec(minimal);
    expect(spec.corpus).toMatchObject({ textField: 'text', idField: 'id', onBadRecord: 'skip' });
    expect(spec.sample).toEqual({ docs: 2000, seed: 1 });
    expect(spec.proxy).toMatchObject({ kind: 'hashed-ensemble', members: 5 });
    expect(spec.policy).toMatchObject({ kind: 'label-band', untrusted: 'exclude', fill: 'ceiling' });
    expect(spec.proxy).toMatchObject({ l2: 0.1 });
    expect(spec.lossUnit).toBe('byte');
    expect(spec.target).toBe('loss');
    expect(spec.materialize).toBe(true);
  });

  it('accepts every budget form', () => {
    for (const budget of [{ tokens: 5 }, { fraction: 0.5 }, { docs: 10 }, { flops: 6e18, modelParams: 1e9 }]) {
      expect(parseJobSpec({ ...minimal, budget }).budget).toEqual(budget);
    }
  });

  it('lists every problem by its path in the spec, all at once', () => {
    const problems = problemsOf({
      name: 'bad name!',
      corpus: { uri: '', textFeld: 'x' },
      budget: { tokens: -1 },
      reference: { kind: 'gpt' },
      sample: { docs: 'many' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: /),
        expect.stringMatching(/^corpus\.uri: /),
        expect.stringMatching(/^corpus\.textFeld: unknown field; did you mean "textField"\?/),
        expect.stringMatching(/^budget/),
        expect.stringMatching(/^output: /),
        expect.stringMatching(/^reference\.kind: /),
        expect.stringMatching(/^sample\.docs: /),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(7);
  });

  it('names the source file in the error message', () => {
    expect(() => parseJobSpec({ ...minimal, budget: { fraction: 2 } }, 'jobs/a.json')).toThrow(/^jobs\/a\.json: invalid job spec \(1 problem\):\n  - budget/);
  });

  it('reports a JSON syntax error as a spec problem naming the file', () => {
    expect(() => parseJobSpecText('{"name": ', 'job.json')).toThrow(/job\.json: invalid job spec.*\n.*not valid JSON/);
  });

  it('rejects the reducible target without a small reference, and the reducible policy without that target', () => {
    expect(problemsOf({ ...minimal, target: 'reducible' })).toEqual([expect.stringMatching(/^smallReference: .*needs a smallReference/)]);
    expect(problemsOf({ ...minimal, policy: { kind: 'reducible' } })).toEqual([expect.stringMatching(/^policy\.kind: /)]);
  });

  it('resolves relative local paths against the spec folder and leaves URIs alone', () => {
    const spec = resolveSpecPaths(
      parseJobSpec({ ...minimal, output: 's3://bucket/out/', reference: { kind: 'ngram', text: '../ref.txt' } }),
      '/data/jobs',
    );
    expect(spec.corpus.uri).toBe('/data/jobs/corpus/');
    expect(spec.output).toBe('s3://bucket/out/');
    expect(spec.reference).toMatchObject({ text: '/data/ref.txt' });
  });
});
