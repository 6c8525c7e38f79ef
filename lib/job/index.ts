export { JobSpecError } from './errors.ts';
export { describeZodError, parseJobSpec, parseJobSpecText, resolveSpecPaths, specBaseDir } from './load.ts';
export * from './spec.ts';
