/** Named errors of the demo corpus builder. */

/** A source package is missing or its data is not in the expected shape. */
export class DemoSourceError extends Error {
  override name = 'DemoSourceError';
}

/** Invalid options given to buildDemoCorpus. */
export class DemoOptionsError extends Error {
  override name = 'DemoOptionsError';
}
