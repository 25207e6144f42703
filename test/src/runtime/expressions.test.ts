import { describe, expect, it } from 'vitest';
import {
  checkRegexSafety,
  evaluateExpression,
  isTruthy,
  parseTemplate,
  renderTemplate,
} from '../../../src/runtime/expressions.ts';
import { DEFAULT_LIMITS } from '../../../src/runtime/limits.ts';

const scope = {
  input: { name: 'Ada', items: [1, 2, 3], nested: { a: { b: 2 } } },
  inputs: { Fetch: { status: 200 } },
  trigger: { q: 'why?' },
};

describe('expressions', () => {
  it('reads input, inputs by node label, and the trigger input', async () => {
    expect(await evaluateExpression('input.name', scope, DEFAULT_LIMITS)).toBe('Ada');
    expect(await evaluateExpression('$sum(input.items)', scope, DEFAULT_LIMITS)).toBe(6);
    expect(await evaluateExpression('inputs.Fetch.status', scope, DEFAULT_LIMITS)).toBe(200);
    expect(await evaluateExpression('trigger.q', scope, DEFAULT_LIMITS)).toBe('why?');
    expect(await evaluateExpression('input.missing', scope, DEFAULT_LIMITS)).toBeUndefined();
  });

  it('reports a syntax error with its position', async () => {
    await expect(evaluateExpression('input.ok === true', scope, DEFAULT_LIMITS)).rejects.toThrow(
      /Expression "input.ok === true" failed at character \d+/,
    );
  });

  it('refuses an expression longer than the limit before parsing it', async () => {
    await expect(
      evaluateExpression('1+'.repeat(20_000) + '1', scope, DEFAULT_LIMITS),
    ).rejects.toThrow(/too long/);
  });

  it('refuses a function as a result', async () => {
    await expect(evaluateExpression('function($x) { $x }', scope, DEFAULT_LIMITS)).rejects.toThrow(
      'must return data',
    );
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      evaluateExpression('$sum(input.items)', scope, DEFAULT_LIMITS, controller.signal),
    ).rejects.toThrow('cancelled');
  });
});

describe('templates', () => {
  it('splits literal text and placeholders, braces inside a placeholder included', () => {
    expect(parseTemplate('a {{ {"x": {"y": 1}} }} b {{input}}')).toEqual([
      { literal: 'a ' },
      { expression: '{"x": {"y": 1}}' },
      { literal: ' b ' },
      { expression: 'input' },
    ]);
    expect(parseTemplate('{{ "}}" }}')).toEqual([{ expression: '"}}"' }]);
    expect(() => parseTemplate('{{ input')).toThrow('unclosed');
  });

  it('renders strings as they are, other values as JSON, missing values as nothing', async () => {
    expect(
      await renderTemplate(
        '{{input.name}} has {{input.items}} and {{input.nope}}.',
        scope,
        DEFAULT_LIMITS,
      ),
    ).toBe('Ada has [1,2,3] and .');
  });

  it('keeps the type of a template that is one placeholder when asked', async () => {
    expect(
      await renderTemplate('{{input.nested}}', scope, DEFAULT_LIMITS, { keepType: true }),
    ).toEqual({ a: { b: 2 } });
    expect(
      await renderTemplate(' {{input.nested}}', scope, DEFAULT_LIMITS, { keepType: true }),
    ).toBe(' {"a":{"b":2}}');
  });

  it('bounds the rendered text', async () => {
    await expect(
      renderTemplate('{{ $pad("", 600, "x") }}{{ $pad("", 600, "y") }}', scope, {
        ...DEFAULT_LIMITS,
        maxTemplateChars: 1000,
      }),
    ).rejects.toThrow(/longer than 1000 characters/);
  });
});

describe('checkRegexSafety', () => {
  it.each(['(a+)+$', '(x*)*', '(?:a|b+)*c', '(a{1,})+', '(\\w+\\s?)+$', '(a)\\1'])(
    'refuses %s',
    (pattern) => {
      expect(checkRegexSafety(pattern)).not.toBeNull();
    },
  );
  it.each(['^[a-z]+@[a-z]+\\.com$', '(ab)+', '\\d{3}-\\d{4}', '(foo|bar)+', '[(a+)+]'])(
    'accepts %s',
    (pattern) => {
      expect(checkRegexSafety(pattern)).toBeNull();
    },
  );
});

describe('isTruthy', () => {
  it('follows JSONata: empty text, zero, empty lists and objects are false', () => {
    expect([undefined, null, false, 0, '', [], {}, [0, '']].map(isTruthy)).toEqual(
      Array(8).fill(false),
    );
    expect([true, 1, 'x', [0, 1], { a: 1 }].map(isTruthy)).toEqual(Array(5).fill(true));
  });
});
