/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default is cores - 1, which is a single worker on the 2-core machines this runs on.
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The pack-and-install test talks to the npm registry and takes ~15 s: `npm run test:package`
  // runs it (CI does, after `npm test`).
  testPathIgnorePatterns: ['/node_modules/', '/test/package\\.test\\.ts$'],
  // README examples import the package by name (test/readme.test.ts runs them).
  moduleNameMapper: { '^cdk8s-realtime$': '<rootDir>/lib/index.ts' },
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  reporters: ['default', '<rootDir>/tools/summary-reporter.js'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
