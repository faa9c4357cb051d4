// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', '.tsbuild/', 'bin/', 'test-results/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Only main/app/ may import electron: everything else runs in plain Node.
    files: ['main/**/*.ts'],
    ignores: ['main/app/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only main/app/ imports electron' }] }],
    },
  },
  {
    // The renderer never touches Node or Electron.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', 'fs', 'net', 'dgram', 'child_process'], patterns: ['node:*', '**/main/**'] },
      ],
    },
  },
);
