export { manifestSchema, type Manifest } from './schema.ts';
