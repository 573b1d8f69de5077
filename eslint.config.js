// Lint rules. The one rule that is about the product rather than taste: simulation code may not
// read ambient randomness or the wall clock (results must depend only on config and seed).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ambientNondeterminism = [
  { object: 'Math', property: 'random', message: 'Use a seeded stream from src/workload/prng.ts.' },
  {
    object: 'Date',
    property: 'now',
    message: 'Simulated time only; wall-clock stamps live in src/report/wallclock.ts.',
  },
  {
    object: 'performance',
    property: 'now',
    message: 'Simulated time only; wall-clock stamps live in src/report/wallclock.ts.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/report/wallclock.ts'],
    rules: { 'no-restricted-properties': ['error', ...ambientNondeterminism] },
  },
  {
    // The workload describes what programs access; the kernel decides what that costs. The access
    // phase that joins them (faults, hint faults) lives in src/engine/access-phase.ts.
    files: ['src/workload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/kernel/*', '**/kernel'], message: 'src/workload/ never imports src/kernel/.' },
          ],
        },
      ],
    },
  },
  {
    // The xoshiro128** step's locals x and t start at 0 although the step overwrites them before
    // any read: left undefined, V8 keeps them tagged and boxes every draw (prng.ts nextU32).
    files: ['src/workload/prng.ts', 'src/workload/generate.ts'],
    rules: { 'no-useless-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', performance: 'readonly' },
    },
  },
);
