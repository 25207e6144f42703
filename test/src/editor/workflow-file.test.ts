import { describe, expect, it } from 'vitest';
import {
  MAX_WORKFLOW_FILE_BYTES,
  exportWorkflowFile,
  parseWorkflowFile,
  readWorkflowFile,
  workflowFileName,
} from '../../../src/editor/workflow-file.ts';
import { chain } from './fixtures.ts';

const content = () => ({ name: 'Triage', description: 'd', viewport: null, ...chain() });
const fileWith = (mutate: (file: Record<string, unknown>) => void): string => {
  const file = JSON.parse(exportWorkflowFile(content())) as Record<string, unknown>;
  mutate(file);
  return JSON.stringify(file);
};
const errorOf = (text: string): string => {
  const result = parseWorkflowFile(text);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.error;
};

describe('workflow file', () => {
  it('round-trips a workflow through export and import', () => {
    const text = exportWorkflowFile(content(), new Date('2026-01-02T03:04:05Z'));
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file['format']).toBe('flowkeep.workflow');
    expect(file['version']).toBe(1);
    expect(file['exportedAt']).toBe('2026-01-02T03:04:05.000Z');
    const result = parseWorkflowFile(text);
    expect(result).toEqual({ ok: true, workflow: content() });
  });

  it('refuses text that is not JSON', () => {
    expect(errorOf('{"format": "flowkeep.workflow",')).toMatch(
      /^This file is not JSON \(.+\)\. Choose a workflow file exported from Flowkeep\. Nothing was imported\.$/,
    );
  });

  it('refuses another format and a newer version, saying which', () => {
    expect(errorOf('{"nodes":[]}')).toBe(
      'This is not a Flowkeep workflow file: "format" is missing (expected "flowkeep.workflow"). Nothing was imported.',
    );
    expect(errorOf(fileWith((f) => (f['format'] = 'n8n')))).toMatch(/"format" is "n8n"/);
    expect(errorOf(fileWith((f) => (f['version'] = 2)))).toBe(
      'This file is format version 2, made by a newer Flowkeep; this app reads version 1. Update the app and try again. Nothing was imported.',
    );
    expect(errorOf(fileWith((f) => (f['version'] = '1')))).toMatch(
      /Unsupported format version "1"/,
    );
  });

  it('names the unknown node type with its path', () => {
    const text = fileWith((f) => {
      (f['nodes'] as { type: string }[])[2]!.type = 'teleport';
    });
    expect(errorOf(text)).toMatch(
      /^nodes\[2\]\.type: unknown node type "teleport" \(known types: trigger, llm/,
    );
  });

  it('names the dangling edge end with its path', () => {
    const text = fileWith((f) => {
      (f['edges'] as { target: string }[])[1]!.target = 'ghost';
    });
    expect(errorOf(text)).toBe(
      'edges[1].target: node "ghost" is not in the file (dangling edge). Nothing was imported.',
    );
  });

  it('names duplicate ids, bad positions and unknown handles', () => {
    expect(errorOf(fileWith((f) => ((f['nodes'] as { id: string }[])[1]!.id = 't')))).toMatch(
      /nodes\[1\]\.id "t" is already used by nodes\[0\]/,
    );
    expect(
      errorOf(fileWith((f) => ((f['nodes'] as { position: unknown }[])[0]!.position = { x: 'a' }))),
    ).toMatch(/nodes\[0\]\.position must be an object with numeric x and y/);
    expect(
      errorOf(
        fileWith((f) => ((f['edges'] as { sourceHandle: string }[])[0]!.sourceHandle = 'zzz')),
      ),
    ).toMatch(/edges\[0\]\.sourceHandle: trigger node "t" has no output "zzz"/);
  });

  it('refuses a 50 MB file before reading it', async () => {
    let read = false;
    const huge = {
      size: 50 * 1024 * 1024,
      text: async () => {
        read = true;
        return '';
      },
    } as unknown as Blob;
    const result = await readWorkflowFile(huge);
    expect(result).toEqual({
      ok: false,
      error: 'The file is 50.0 MB; a workflow file can be at most 10.0 MB. Nothing was imported.',
    });
    expect(read).toBe(false);
  });

  it('refuses oversized text handed in directly', () => {
    const text = `{"pad":"${'x'.repeat(MAX_WORKFLOW_FILE_BYTES)}"}`;
    expect(errorOf(text)).toMatch(/a workflow file can be at most 10\.0 MB/);
  });

  it('reads a real file object', async () => {
    const result = await readWorkflowFile(new Blob([exportWorkflowFile(content())]));
    expect(result.ok).toBe(true);
  });

  it('makes a safe file name', () => {
    expect(workflowFileName('Support triage: v2!')).toBe('support-triage-v2.flowkeep.json');
    expect(workflowFileName('???')).toBe('workflow.flowkeep.json');
  });
});
