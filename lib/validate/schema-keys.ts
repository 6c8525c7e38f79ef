/**
 * The field names a zod schema knows at a path: what an unknown key is compared with for a "did you mean". Walks
 * through wrappers (optional, default, pipe, ...), objects, unions (every option's fields), arrays and records.
 */
import type { ZodType } from 'zod';

interface Def {
  type: string;
  innerType?: ZodType;
  in?: ZodType;
  shape?: Record<string, ZodType>;
  options?: ZodType[];
  element?: ZodType;
  valueType?: ZodType;
  getter?: () => ZodType;
}

const defOf = (schema: ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas `schema` may be at `path`; several where a union's options are objects. */
function objectsAt(schema: ZodType, path: readonly PropertyKey[], depth = 0): Def[] {
  if (depth > 64) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
    case 'success':
      return def.innerType ? objectsAt(def.innerType, path, depth + 1) : [];
    case 'pipe':
      return def.in ? objectsAt(def.in, path, depth + 1) : [];
    case 'lazy':
      return def.getter ? objectsAt(def.getter(), path, depth + 1) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
    default:
      break;
  }
  if (path.length === 0) return def.type === 'object' ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === 'object') {
    const child = def.shape?.[String(head)];
    return child ? objectsAt(child, rest, depth + 1) : [];
  }
  if (def.type === 'array' && typeof head === 'number' && def.element) return objectsAt(def.element, rest, depth + 1);
  if (def.type === 'record' && def.valueType) return objectsAt(def.valueType, rest, depth + 1);
  return [];
}

/** Every field name an object at `path` of `schema` may have, sorted; empty where the schema has no object there. */
export function knownKeys(schema: ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const def of objectsAt(schema, path)) for (const k of Object.keys(def.shape ?? {})) keys.add(k);
  return [...keys].sort();
}
