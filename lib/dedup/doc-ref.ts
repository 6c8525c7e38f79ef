import type { DocRef } from './types.ts';

/** A DocRef as one number (item * 2^32 + pos: exact below 2^53, so up to 2^21 work items). */
export function refKey(item: number, pos: number): number {
  return item * 4294967296 + pos;
}

export function refOfKey(key: number): DocRef {
  const item = Math.floor(key / 4294967296);
  return { item, pos: key - item * 4294967296 };
}

/** (item, pos) order. */
export function compareRefs(a: DocRef, b: DocRef): number {
  return a.item - b.item || a.pos - b.pos;
}
