import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.flowkeep/**', 'dev-dist/**', '.scratch*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // sync/ is framework-free: it must run in Node, in a worker, and under any UI.
    files: ['sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['react', 'react-dom', 'react/*', '@xyflow/*', '../src/*'] },
      ],
    },
  },
  {
    // src/knowledge is framework-free: it runs in a Web Worker, in Node and under the runtime.
    files: ['src/knowledge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-dom',
            'react/*',
            '@xyflow/*',
            'rxdb',
            'rxdb/*',
            'dexie',
            '../app/*',
            '../db/*',
            '../editor/*',
            '../vault/*',
            '../../sync/*',
          ],
        },
      ],
    },
  },
  {
    // The app never talks to Postgres directly: only through supabase-js and RLS.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['pg', '@electric-sql/pglite', '@electric-sql/pglite/*'] },
      ],
    },
  },
  {
    // src/runtime/ runs in a Web Worker and in plain Node: no React, no DOM, nothing of the app,
    // the database, the vault or sync (it reaches them only through its ports); expressions are
    // data, so nothing here turns text into code. After the src/ block, whose import rule this
    // one replaces for these files (so it repeats the Postgres ban).
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-dom',
            'react/*',
            '@xyflow/*',
            'rxdb',
            'rxdb/*',
            'dexie',
            '@supabase/*',
            '**/app/*',
            '**/db/*',
            '**/vault/*',
            '**/editor/*',
            '**/sync/*',
            'pg',
            '@electric-sql/pglite',
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'localStorage',
        'sessionStorage',
        'indexedDB',
      ],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
);
