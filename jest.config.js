/**
 * Three tiers, each saying what it needs; one Jest run (`pnpm test`) covers them all:
 *  - unit (*.spec.ts, next to the code): no services; runs with PostgreSQL and Redis stopped.
 *  - integration (*.int-spec.ts): the real PostgreSQL and Redis, in-process apps and libraries.
 *  - system (*.e2e-spec.ts, test/system): built processes (gateway, workers) on the real services.
 * `pnpm exec jest --selectProjects unit` runs one tier.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  // Tests run against workspace sources, so no build is needed to test a library.
  moduleNameMapper: {
    '^@platewise/engine/config$': '<rootDir>/libs/engine/src/config-entry',
    '^@platewise/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
};

/** Each run gets its own database and Redis key prefix (test/global-setup.ts). */
const services = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...shared, ...services, displayName: 'integration', testMatch: ['**/*.int-spec.ts'] },
    { ...shared, ...services, displayName: 'system', testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
