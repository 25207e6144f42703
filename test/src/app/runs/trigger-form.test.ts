import { describe, expect, it } from 'vitest';
import { inputFormFor, inputFromForm } from '../../../../src/app/runs/trigger-form.ts';
import { defaultNodeData } from '../../../../src/editor/node-types.ts';

describe('the run input form', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: {
      question: { type: 'string', title: 'Question', description: 'What to ask' },
      tone: { type: 'string', enum: ['formal', 'casual'], default: 'casual' },
      count: { type: 'integer', default: 3 },
      urgent: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['question'],
  });

  it('has one field per property, of the kind its type asks for, with defaults', () => {
    const form = inputFormFor(schema);
    expect(form.structured).toBe(true);
    expect(form.fields.map((f) => [f.key, f.kind, f.required, f.initial])).toEqual([
      ['question', 'text', true, ''],
      ['tone', 'choice', false, 'casual'],
      ['count', 'integer', false, '3'],
      ['urgent', 'boolean', false, false],
      ['tags', 'json', false, ''],
    ]);
    expect(form.fields[0]).toMatchObject({ label: 'Question', description: 'What to ask' });
    expect(form.fields[1]!.options).toEqual(['formal', 'casual']);
  });

  it('turns typed values into the run input, leaving empty optional fields out', () => {
    const form = inputFormFor(schema);
    expect(inputFromForm(form, { question: 'Why?', urgent: true, tags: '["a"]' })).toEqual({
      ok: true,
      input: { question: 'Why?', tone: 'casual', count: 3, urgent: true, tags: ['a'] },
    });
  });

  it('names each field it cannot read', () => {
    const form = inputFormFor(schema);
    expect(inputFromForm(form, { question: '', count: '2.5', tags: '[' })).toEqual({
      ok: false,
      errors: {
        question: 'Question is required.',
        count: 'count must be a whole number.',
        tags: expect.stringContaining('tags is not valid JSON'),
      },
    });
  });

  it('falls back to one JSON field when the schema names no properties or is broken', () => {
    expect(inputFormFor('{}')).toMatchObject({ structured: false, problem: null });
    expect(inputFromForm(inputFormFor('{}'), { '': '[1, 2]' })).toEqual({
      ok: true,
      input: [1, 2],
    });
    expect(inputFormFor('{ nope').problem).toContain("The trigger's schema is not valid JSON");
  });

  it("reads the editor's default trigger schema", () => {
    const form = inputFormFor(defaultNodeData('trigger')['inputSchema'] as string);
    expect(form.fields.map((f) => f.key)).toEqual(['question']);
  });
});
