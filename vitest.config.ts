import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // s3rver's paginated listing needs the legacy OpenSSL provider (measured on Node 20, DESIGN.md section 8; kept under Node 22).
    execArgv: ['--openssl-legacy-provider'],
  },
});
