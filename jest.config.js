// Native ESM jest: NestJS 12 ships ESM only, and jest loads it through node's vm modules.
// A few CommonJS dependencies require() packages that are now ESM-only (cookie,
// content-disposition); jest on Node 20 cannot require ESM, so those files are compiled to
// CommonJS on the fly.
const REQUIRED_ESM = ['cookie', 'content-disposition'];

const common = {
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import siblings as './x.js' (NodeNext); the test runner resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
    [`/node_modules/(${REQUIRED_ESM.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { useESM: false, tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, isolatedModules: true, ignoreDeprecations: '6.0' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${REQUIRED_ESM.join('|')})/)`],
  testEnvironment: 'node',
};

export default {
  // e2e suites start processes and databases: on a busy 2-core machine jest's 5 s default is a
  // false failure, not a finding. (A project's own testTimeout is not applied.) Suites that need
  // longer still say so themselves.
  testTimeout: 60_000,
  // `npm run jest` passes --forceExit: once in several full runs, with every suite passed, the
  // process stayed up on a handle that --detectOpenHandles never showed. Until it is found, a
  // finished run must not hang CI.
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
