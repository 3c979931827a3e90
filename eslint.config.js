import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import layers from './build/eslint-layers.js';
import cycles from './build/eslint-cycles.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-results/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommended],
    plugins: { tryk: { rules: { ...layers.rules, ...cycles.rules } } },
    // Type-aware rules: each file is checked with the types of its own tsconfig (shared, electron,
    // renderer, tests; the Electron entry files with electron/tsconfig.entry.json).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'tryk/layers': 'error',
      'tryk/no-cycle': ['error', { typeOnlyAllowedIn: ['renderer/'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A promise nobody awaits loses its error; one whose result is not wanted says so with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The Electron entry files are outside electron/tsconfig.json (they alone see Electron's types).
    files: ['electron/main.ts', 'electron/preload.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './electron/tsconfig.entry.json' } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // The main process logs through electron/log.ts; only the CLI prints (its output, not logging).
    files: ['electron/**/*.ts'],
    ignores: ['electron/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['electron/cli/**', 'tests/**', 'build/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.{js,mjs}'],
    plugins: { tryk: layers },
    rules: { 'tryk/layers': 'error' },
  },
);
