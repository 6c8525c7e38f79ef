#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so there is no build step between a checkout and a run.
import { register } from 'tsx/esm/api';

// proxysel needs Node 22 or later (package.json "engines"; .ci/run shows how to get it where the machine's is older).
// On an older Node the AWS SDK would print a notice on every start that its releases need Node 22: the engines field
// has said so once already, so the notice is kept out of the CLI's output (worker threads inherit this setting).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { cli } = await import('../lib/cli/index.ts');
await cli();
