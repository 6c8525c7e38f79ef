/** Named errors of the demo corpus builder. */
import { ProxyselError } from '../errors.ts';

/** Root of the demo corpus builder's errors. */
export abstract class DemoError extends ProxyselError {}

/** A source package is missing or its data is not in the expected shape. */
export class DemoSourceError extends DemoError {
  override readonly name = 'DemoSourceError';
  readonly badInput = false;
}

/** Invalid options given to buildDemoCorpus. */
export class DemoOptionsError extends DemoError {
  override readonly name = 'DemoOptionsError';
  readonly badInput = true;
}
