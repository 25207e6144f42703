import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const REACT = ['react', 'react/*', 'react-dom', 'react-dom/*', '@xyflow/*'];
const POSTGRES = ['pg', '@electric-sql/pglite', '@electric-sql/pglite/*'];
/** The app's storage and server clients: the framework-free cores reach them through ports. */
const APP_STORAGE = ['rxdb', 'rxdb/*', 'dexie', '@supabase/*'];

/**
 * Which folder may import which (README, "Where things live"). Paths are resolved, so a rule
 * holds at any depth; test/lint/boundaries.test.ts proves each one fires.
 */
const BOUNDARIES = [
  {
    target: './src/model',
    from: './src',
    except: ['./model'],
    message: 'src/model is the framework-free model: it imports nothing else of the repo.',
  },
  {
    target: './src/model',
    from: ['./sync', './supabase', './test', './bench', './scripts'],
    message: 'src/model is the framework-free model: it imports nothing else of the repo.',
  },
  {
    target: './sync',
    from: './src',
    except: ['./model'],
    message: 'sync/ imports only src/model (records, roles, JSON helpers) of the app.',
  },
  {
    target: './sync',
    from: ['./supabase', './test', './bench', './scripts'],
    message: 'sync/ imports only src/model (records, roles, JSON helpers) of the app.',
  },
  {
    target: './src/editor',
    from: ['./src/app', './src/db', './sync'],
    message: 'The editor never sees the app, the database or sync: it works over a WorkflowSource.',
  },
  {
    target: './src',
    from: './supabase/local',
    message: 'The app runs against any Supabase: it never imports the local server.',
  },
  {
    target: './supabase/local',
    from: ['./src', './sync'],
    message: 'The local server stands alone: it imports nothing of the app or of sync/.',
  },
  {
    target: './src/runtime',
    from: ['./src/app', './src/db', './src/vault', './src/editor', './sync'],
    message: 'The runtime reaches the app, the vault and storage only through its ports.',
  },
  {
    target: './src/knowledge',
    from: ['./src/app', './src/db', './src/vault', './src/editor', './sync'],
    message: 'src/knowledge is framework-free: the app calls it, never the other way round.',
  },
];

/** Globals of the browser page: the runtime must also run in a worker and in Node. */
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
].map((name) => ({ name, message: 'src/runtime runs outside the page: no DOM.' }));

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
    files: ['src/**/*.{ts,tsx}', 'sync/**/*.ts', 'supabase/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: BOUNDARIES }] },
  },
  {
    // sync/ is framework-free: it must run in Node, in a worker, and under any UI.
    files: ['sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: REACT, message: 'sync/ never imports React.' }] },
      ],
    },
  },
  {
    // The app never talks to Postgres directly: only through supabase-js and RLS.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: POSTGRES, message: 'src/ reaches Postgres only via supabase-js.' }] },
      ],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: POSTGRES, message: 'src/ reaches Postgres only via supabase-js.' },
            { group: REACT, message: 'src/model is framework-free: no React.' },
          ],
        },
      ],
    },
  },
  {
    // The workflow runtime runs in a worker or in Node as well as in the page; expressions
    // are data, so nothing here turns text into code.
    files: ['src/runtime/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: POSTGRES, message: 'src/ reaches Postgres only via supabase-js.' },
            { group: REACT, message: 'src/runtime runs outside the page: no React.' },
            { group: APP_STORAGE, message: 'src/runtime reaches storage only through its ports.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // src/knowledge runs in a Web Worker, in Node and under the runtime.
    files: ['src/knowledge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: POSTGRES, message: 'src/ reaches Postgres only via supabase-js.' },
            { group: REACT, message: 'src/knowledge is framework-free: no React.' },
            {
              group: APP_STORAGE,
              message: 'src/knowledge is given its data; it opens no storage.',
            },
          ],
        },
      ],
    },
  },
);
