import { describe, expect, it } from 'vitest';
import { convertJsExpression, convertJsTemplate } from '../../../src/runtime/convert-expression.ts';
import { evaluateExpression, renderTemplate } from '../../../src/runtime/expressions.ts';
import { DEFAULT_LIMITS } from '../../../src/runtime/limits.ts';
import { migrateWorkflowExpressions } from '../../../src/runtime/migrate-expressions.ts';
import type { JsonValue } from '../../../src/runtime/types.ts';
import { WORKFLOW_TEMPLATES } from '../../../src/editor/templates.ts';

const scope = (input: JsonValue) => ({ input, inputs: {}, trigger: null });

function converted(source: string, context: 'condition' | 'value' = 'condition'): string {
  const result = convertJsExpression(source, context);
  if (!result.ok) throw new Error(result.error);
  return result.expression;
}

describe('convertJsExpression', () => {
  it.each([
    ['input.ok === true', 'input.ok = true'],
    ["input.trim() === 'urgent'", '$trim(input) = "urgent"'],
    ['input.a !== 1 && input.b != 2', 'input.a != 1 and input.b != 2'],
    ['!input.ok || input.count >= 3', '$not(input.ok) or input.count >= 3'],
    ["'Hi ' + input.name + '!'", '"Hi " & input.name & "!"'],
    ['input.a + input.b * 2', 'input.a + input.b * 2'],
    ['(input.a + input.b) * 2', '(input.a + input.b) * 2'],
    ['input.a - (input.b - input.c)', 'input.a - (input.b - input.c)'],
    ["input['first name']", 'input.`first name`'],
    ['input.items[0].id', 'input.items[0].id'],
    ['input?.user?.name', 'input.user.name'],
    ['input.x === undefined', '$not($exists(input.x))'],
    ["typeof input === 'string'", '$type(input) = "string"'],
    ["input.n > 2 ? 'big' : 'small'", 'input.n > 2 ? "big" : "small"'],
    ['Math.max(input.a, 3)', '$max([input.a, 3])'],
    ['`Hi ${input.name}`', '"Hi " & $string(input.name)'],
    ['input.in', 'input.`in`'],
  ])('%s → %s', (source, expected) => {
    expect(converted(source)).toBe(expected);
  });

  it('turns || into the default operator where a value is wanted', () => {
    expect(converted("input.name || 'anonymous'", 'value')).toBe('input.name ?: "anonymous"');
  });

  it.each([
    ['x => x', 'Cannot convert an arrow function.'],
    ['input.x = 1', 'Cannot convert an assignment.'],
    ['new Date()', 'Cannot convert "new": only expressions over the input convert.'],
    ['input.a; input.b', 'Cannot convert more than one statement.'],
    ['input.run()', 'Cannot convert the method ".run()"; rewrite it in JSONata.'],
    ['input[input.key]', 'Cannot convert an index that is not a whole number.'],
    ["input.ok === 'open", 'A string is not closed.'],
    ['', 'The expression is empty.'],
  ])('refuses %s: %s', (source, error) => {
    expect(convertJsExpression(source)).toEqual({ ok: false, error });
  });

  it.each<[string, JsonValue, JsonValue]>([
    ['input.ok === true', { ok: true }, true],
    ['input.ok === true', { ok: 'yes' }, false],
    ["input.trim() === 'urgent'", '  urgent\n', true],
    ["input.tags.includes('vip')", { tags: ['new', 'vip'] }, true],
    ["input.subject.includes('fire')", { subject: 'printer on fire' }, true],
    ['input.items.length > 2', { items: [1, 2, 3] }, true],
    ['input.name.length', { name: 'Ada' }, 3],
    ["input.email.endsWith('@example.com')", { email: 'a@example.com' }, true],
    ["input.email.startsWith('b')", { email: 'a@example.com' }, false],
    ['input.missing == null', {}, true],
    ['input.present != null', { present: 0 }, true],
    ['!input.done && input.priority > 2', { done: false, priority: 3 }, true],
    ["input.a + '-' + input.b", { a: 'x', b: 'y' }, 'x-y'],
    ["input.status.toLowerCase() === 'open' ? 1 : 2", { status: 'OPEN' }, 1],
  ])('%s on %j evaluates as JavaScript would: %j', async (source, input, expected) => {
    expect(await evaluateExpression(converted(source), scope(input), DEFAULT_LIMITS)).toEqual(
      expected,
    );
  });
});

describe('convertJsTemplate', () => {
  it('converts each placeholder and keeps the text around them', async () => {
    const result = convertJsTemplate(
      "Dear {{ input.name || 'customer' }}, ticket {{input.id}} is {{ input.open ? 'open' : 'closed' }}.",
    );
    expect(result).toEqual({
      ok: true,
      expression:
        'Dear {{ input.name ?: "customer" }}, ticket {{input.id}} is {{ input.open ? "open" : "closed" }}.',
    });
    const text = await renderTemplate(
      result.ok ? result.expression : '',
      scope({ id: 7, open: true }),
      DEFAULT_LIMITS,
    );
    expect(text).toBe('Dear customer, ticket 7 is open.');
  });

  it('fails as a whole when one placeholder does not convert', () => {
    expect(convertJsTemplate('{{input.a}} {{ x => x }}')).toEqual({
      ok: false,
      error: 'In {{ x => x }}: Cannot convert an arrow function.',
    });
  });
});

describe('migrateWorkflowExpressions', () => {
  it('converts the editor templates (condition, mapping, templates) to JSONata that runs', async () => {
    const graph = WORKFLOW_TEMPLATES.find((t) => t.id === 'classify-route')!.build();
    const { nodes, problems } = migrateWorkflowExpressions(graph.nodes);
    expect(problems).toEqual([]);
    const condition = nodes.find((n) => n.type === 'condition')!;
    expect(condition.data['branches']).toEqual([
      { id: 'urgent', label: 'Urgent', expression: '$trim(input) = "urgent"' },
    ]);
    expect(
      await evaluateExpression('$trim(input) = "urgent"', scope(' urgent '), DEFAULT_LIMITS),
    ).toBe(true);
    // Plain paths are already JSONata: the mapping keeps its text as the user wrote it.
    expect(nodes.find((n) => n.type === 'transform')!.data['mapping']).toBe('{ "title": "input" }');
  });

  it('keeps what it cannot convert, unchanged, and lists it with the node and field', () => {
    const { nodes, problems } = migrateWorkflowExpressions([
      {
        id: 'c',
        type: 'condition',
        data: { branches: [{ id: 'b1', label: 'Yes', expression: 'input.list.map(x => x.id)' }] },
      },
      {
        id: 'm',
        type: 'transform',
        data: {
          mode: 'mapping',
          mapping: '{"total": "input.a + input.b", "n": "input.items.length"}',
        },
      },
      {
        id: 'l',
        type: 'llm',
        data: { userPrompt: 'Summarize {{ input.body }} for {{ input.user || "you" }}' },
      },
    ]);
    expect(nodes[0]!.data['branches']).toEqual([
      { id: 'b1', label: 'Yes', expression: 'input.list.map(x => x.id)' },
    ]);
    expect(problems).toEqual([
      { nodeId: 'c', field: 'branches[0].expression', error: 'Cannot convert an arrow function.' },
    ]);
    expect(JSON.parse(nodes[1]!.data['mapping'] as string)).toEqual({
      total: 'input.a + input.b',
      n: '($type(input.items) = "array" ? $count(input.items) : $length(input.items))',
    });
    expect(nodes[2]!.data['userPrompt']).toBe(
      'Summarize {{ input.body }} for {{ input.user ?: "you" }}',
    );
  });
});
