export { manifestDedupSchema, manifestSchema, type Manifest } from './schema.ts';
