// One jest run for the whole monorepo. Unit tests sit beside the code (*.test.ts); integration
// tests that need the real Kafka / registry / Redis end in *.int.test.ts and share one global setup
// that finds the servers (env vars win, then testcontainers where Docker exists, else the local ones).
// Tests that stop the shared broker (*.chaos.test.ts) run in a separate, serial jest invocation.
/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023' } }] };
module.exports = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/{packages,services,test}/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    process.env.JEST_CHAOS === '1' ? '\\.(?<!chaos\\.)test\\.ts$' : '\\.chaos\\.test\\.ts$',
  ],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
};
