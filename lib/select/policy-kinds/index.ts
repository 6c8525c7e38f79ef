/**
 * The registration list of the policy kinds: the one place that names them all. The spec's `policy` schema, makePolicy,
 * the token-error table, the report and `proxysel select` ask it. Adding a kind: its module beside these, and one entry
 * in KINDS.
 */
import { z } from 'zod';
import type { PolicyKind } from '../policy-kind.ts';
import { band } from './band.ts';
import { bottom } from './bottom.ts';
import { budgetBand } from './budget-band.ts';
import { labelBand } from './label-band.ts';
import { reducible } from './reducible.ts';
import { sample } from './sample.ts';
import { top } from './top.ts';

/** Every kind, in the order the spec's schema lists them (its error messages name them in this order). */
const KINDS = [labelBand, top, bottom, band, budgetBand, reducible, sample] as const;

type SchemasOf<T extends readonly PolicyKind<z.ZodObject, unknown>[]> = { -readonly [I in keyof T]: T[I]['schema'] };

/** A job spec's `policy`: one of the kinds' schemas, told apart by `kind`. */
export const policySchema = z.discriminatedUnion('kind', KINDS.map((k) => k.schema) as unknown as SchemasOf<typeof KINDS>);
export type PolicySpec = z.output<typeof policySchema>;
export type PolicyKindName = PolicySpec['kind'];

const BY_KIND = new Map<string, PolicyKind<z.ZodObject, unknown>>(KINDS.map((k) => [k.kind, k as PolicyKind<z.ZodObject, unknown>]));

/** The kind module of a policy spec's kind. */
export function policyKind(kind: PolicyKindName): PolicyKind<z.ZodObject, unknown> {
  return BY_KIND.get(kind)!;
}

/** Every kind's name, in registration order. */
export const POLICY_KIND_NAMES: readonly PolicyKindName[] = KINDS.map((k) => k.kind);

/** The kinds every card's token-error table covers, in its order (the spec's own is added when it is another). */
export const REPORTED_POLICIES: readonly PolicyKindName[] = KINDS.filter((k) => 'reportedAt' in k && k.reportedAt !== undefined)
  .sort((a, b) => (a as { reportedAt: number }).reportedAt - (b as { reportedAt: number }).reportedAt)
  .map((k) => k.kind);

/** `proxysel select`'s flags of the kinds' own fields (flag -> field), over every kind. */
export const POLICY_KIND_FLAGS: Readonly<Record<string, string>> = Object.assign({}, ...KINDS.map((k) => k.flags));
