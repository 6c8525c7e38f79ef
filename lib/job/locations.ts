import { realLocation } from '../store/index.ts';
import { outputOverlapProblem } from './spec.ts';

/**
 * Why `output` may not be written beside this corpus once both are resolved ({@link realLocation}: `file://`, `./`, `..`
 * and symbolic links of existing folders taken out), or undefined. The same check, with the same words, for
 * `proxysel validate`, `run`, `select` and `watch`, before anything is written.
 */
export async function resolvedOverlapProblem(output: string, corpus: string): Promise<string | undefined> {
  const lexical = outputOverlapProblem(output, corpus);
  if (lexical) return lexical;
  let realOutput: string;
  let realCorpus: string;
  try {
    [realOutput, realCorpus] = await Promise.all([realLocation(output), realLocation(corpus)]);
  } catch {
    return undefined; // an invalid URI is reported by the store when it is used
  }
  const real = outputOverlapProblem(realOutput, realCorpus);
  if (!real) return undefined;
  return `${real} (resolved: "${realOutput}" against "${realCorpus}")`;
}
