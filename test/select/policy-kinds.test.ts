import { describe, expect, it } from 'vitest';
import { policySchema } from '../../lib/job/index.ts';
import { POLICY_KIND_FLAGS, POLICY_KIND_NAMES, policyKind, REPORTED_POLICIES } from '../../lib/select/index.ts';

describe('the policy kinds registry', () => {
  it('lists every kind once, in the order the spec schema names them', () => {
    expect(POLICY_KIND_NAMES).toEqual(['label-band', 'top', 'bottom', 'band', 'budget-band', 'reducible', 'sample']);
    const error = policySchema.safeParse({ kind: 'nope' }).error!;
    expect(JSON.stringify(error.issues)).toContain('label-band');
    for (const kind of POLICY_KIND_NAMES) expect(policySchema.parse({ kind }).kind).toBe(kind);
  });

  it('gives the token-error table its kinds in the order cards report them', () => {
    expect(REPORTED_POLICIES).toEqual(['label-band', 'top', 'band', 'bottom', 'sample', 'budget-band']);
  });

  it("gives proxysel select each kind's own flags, and each kind its label", () => {
    expect(POLICY_KIND_FLAGS).toEqual({ lower: 'lower', centre: 'centre', upper: 'upper', 'drop-top': 'dropTopQuantile', multiple: 'multiple', temperature: 'temperature' });
    expect(policyKind('band').label(policySchema.parse({ kind: 'band' }))).toEqual(['drop top 10%']);
    expect(policyKind('budget-band').label(policySchema.parse({ kind: 'budget-band' }))).toEqual(['band 4x budget']);
    expect(policyKind('reducible').needsTarget).toBe('reducible');
    expect(policyKind('bottom').thresholdAt).toBe('highest');
  });
});
