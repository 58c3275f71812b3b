import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'test/fixtures/', '.state/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` array + z.enum.' },
      ],
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/transport/**', 'src/simulator/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'mqtt', message: 'Only src/transport/ (and the simulator) may import mqtt.' }] },
      ],
    },
  },
  {
    // pure layers last: in flat config a later block's options for the same rule replace earlier ones
    files: [
      'src/protocol/**',
      'src/cache/merge.ts',
      'src/cache/recency.ts',
      'src/reconcile/diff.ts',
      'src/transport/backoff.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['mqtt', 'undici', 'node:*', '**/transport/**', '**/http/**'] },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now' },
        { object: 'Math', property: 'random' },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', '*.config.ts', 'examples/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      // Test helpers are not a published boundary; their types are checked by tsc all the same.
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
);
