/**
 * The import boundaries of eslint.config.js fire: each case lints a small offending file at
 * a path inside the folder it probes (the file need not exist; the imports it names do).
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const RESTRICTED_PATH = 'import-x/no-restricted-paths';

describe('import boundaries', () => {
  it('src/model imports nothing else of the repo', async () => {
    expect(await ruleIds('src/model/probe.ts', "export * from '../db/index.ts';\n")).toContain(
      RESTRICTED_PATH,
    );
    expect(
      await ruleIds('src/model/probe.ts', "export * from '../../sync/merge-fields.ts';\n"),
    ).toContain(RESTRICTED_PATH);
    expect(await ruleIds('src/model/probe.ts', "export * from './json.ts';\n")).toEqual([]);
  });

  it('sync/ imports only src/model, at any depth', async () => {
    expect(await ruleIds('sync/probe.ts', "export * from '../src/db/index.ts';\n")).toContain(
      RESTRICTED_PATH,
    );
    expect(
      await ruleIds('sync/inner/probe.ts', "export * from '../../src/app/permissions.ts';\n"),
    ).toContain(RESTRICTED_PATH);
    expect(await ruleIds('sync/probe.ts', "export * from '../supabase/local/jwt.ts';\n")).toContain(
      RESTRICTED_PATH,
    );
    expect(await ruleIds('sync/probe.ts', "export * from '../src/model/json.ts';\n")).toEqual([]);
    expect(
      await ruleIds('sync/inner/probe.ts', "export * from '../../src/model/json.ts';\n"),
    ).toEqual([]);
  });

  it('sync/ and src/model never import React', async () => {
    const code = "export { useState } from 'react';\n";
    expect(await ruleIds('sync/probe.ts', code)).toContain('no-restricted-imports');
    expect(await ruleIds('src/model/probe.ts', code)).toContain('no-restricted-imports');
  });

  it('the editor never imports the app, the database or sync', async () => {
    for (const target of ['../app/permissions.ts', '../db/index.ts', '../../sync/index.ts']) {
      expect(await ruleIds('src/editor/probe.ts', `export * from '${target}';\n`)).toContain(
        RESTRICTED_PATH,
      );
    }
    expect(await ruleIds('src/editor/probe.ts', "export * from '../model/workflow.ts';\n")).toEqual(
      [],
    );
  });

  it('src/ never imports the local server, nor Postgres', async () => {
    expect(
      await ruleIds('src/app/probe.ts', "export * from '../../supabase/local/jwt.ts';\n"),
    ).toContain(RESTRICTED_PATH);
    expect(await ruleIds('src/app/probe.ts', "export { Client } from 'pg';\n")).toContain(
      'no-restricted-imports',
    );
  });

  it('the local server never imports src/ or sync/', async () => {
    expect(
      await ruleIds('supabase/local/probe.ts', "export * from '../../src/model/json.ts';\n"),
    ).toContain(RESTRICTED_PATH);
    expect(
      await ruleIds('supabase/local/probe.ts', "export * from '../../sync/merge-fields.ts';\n"),
    ).toContain(RESTRICTED_PATH);
  });

  it('src/runtime imports no React and touches no DOM', async () => {
    expect(
      await ruleIds('src/runtime/probe.ts', "export { createRoot } from 'react-dom/client';\n"),
    ).toContain('no-restricted-imports');
    expect(
      await ruleIds('src/runtime/probe.ts', 'export const title = () => document.title;\n'),
    ).toContain('no-restricted-globals');
    expect(
      await ruleIds('src/runtime/probe.ts', 'export const here = () => window.location.href;\n'),
    ).toContain('no-restricted-globals');
  });
});
