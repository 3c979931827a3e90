import tseslint from 'typescript-eslint';
import layers from './build/eslint-layers.js';
import cycles from './build/eslint-cycles.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-results/**'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [tseslint.configs.recommended],
    plugins: { tryk: { rules: { ...layers.rules, ...cycles.rules } } },
    rules: {
      'tryk/layers': 'error',
      'tryk/no-cycle': ['error', { typeOnlyAllowedIn: ['renderer/'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['electron/cli/**', 'electron/host/**', 'tests/**', 'build/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.{js,mjs}'],
    plugins: { tryk: layers },
    rules: { 'tryk/layers': 'error' },
  },
);
