import tseslint from 'typescript-eslint';

// The engine is the framework-free core: these imports fail the lint inside it.
export const ENGINE_FORBIDDEN_IMPORTS = [
  { group: ['@nestjs/*'], message: 'The simulation engine is framework-free: no Nest inside it.' },
  { group: ['typeorm', 'typeorm/*', 'pg', 'pg-*'], message: 'The simulation engine does no I/O: no database inside it.' },
  { group: ['class-validator', 'class-transformer'], message: 'Validate at the HTTP edge, not in the engine.' },
  { group: ['cache-manager', 'cache-manager-*', 'redis', '@redis/*'], message: 'The simulation engine does no I/O: no cache inside it.' },
  { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'net', 'node:net', 'http', 'node:http'], message: 'The simulation engine does no I/O.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', '.data/**', 'migrations/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Response bodies in tests are read loosely on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ENGINE_FORBIDDEN_IMPORTS }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Pass a seeded generator in.' }],
    },
  },
);
