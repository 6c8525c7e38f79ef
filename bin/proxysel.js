#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so there is no build step between a checkout and a run.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start under Node < 22 that its future releases will need Node 22. proxysel pins SDK
// versions that run on Node 20, so the notice is noise in the CLI's output (worker threads inherit this setting).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { cli } = await import('../lib/cli.ts');
await cli();
