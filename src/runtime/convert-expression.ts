/**
 * Converts the JavaScript-style expressions workflows were written with before the runtime
 * (`input.ok === true`, `input.trim() === 'urgent'`, `{{input.url}}`) to JSONata, the
 * expression language the runtime evaluates. Pure functions, no evaluation: the source is
 * tokenized and parsed into a small expression tree and printed again as JSONata. Anything
 * outside the supported subset (assignments, arrow functions, `new`, unknown methods) is
 * reported rather than guessed, and the caller keeps the original text.
 *
 * Context matters for `||` and `&&`: in a condition they are boolean (`or`, `and`); in a value
 * (a template placeholder or a mapping) JavaScript returns an operand, so `a || b` becomes
 * JSONata's default operator `a ?: b`.
 */

export type ConversionContext = 'condition' | 'value';

export type ConversionResult = { ok: true; expression: string } | { ok: false; error: string };

class ConversionProblem extends Error {}

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'template'; parts: (string | Token[])[] }
  | { kind: 'name'; value: string }
  | { kind: 'punct'; value: string };

const PUNCTUATORS = [
  '===',
  '!==',
  '...',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '?',
  ':',
  '=',
  ';',
  '{',
  '}',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(?:0[xX][0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(source.slice(i));
      if (!match) throw new ConversionProblem(`Unreadable number at character ${i}.`);
      tokens.push({ kind: 'number', value: Number(match[0]) });
      i += match[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const [value, end] = readString(source, i);
      tokens.push({ kind: 'string', value });
      i = end;
      continue;
    }
    if (ch === '`') {
      const [token, end] = readTemplateLiteral(source, i);
      tokens.push(token);
      i = end;
      continue;
    }
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, i));
    if (!punct) throw new ConversionProblem(`Unexpected character "${ch}" at character ${i}.`);
    tokens.push({ kind: 'punct', value: punct });
    i += punct.length;
  }
  return tokens;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function readString(source: string, start: number): [string, number] {
  const quote = source[start];
  let value = '';
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === quote) return [value, i + 1];
    if (ch === '\\') {
      const next = source[++i] ?? '';
      if (next === 'u') {
        const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(i + 1));
        if (!hex) throw new ConversionProblem(`Bad \\u escape at character ${i}.`);
        value += String.fromCharCode(parseInt(hex[0], 16));
        i += 4;
      } else value += ESCAPES[next] ?? next;
      continue;
    }
    value += ch;
  }
  throw new ConversionProblem('A string is not closed.');
}

function readTemplateLiteral(source: string, start: number): [Token, number] {
  const parts: (string | Token[])[] = [];
  let text = '';
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '`') {
      if (text) parts.push(text);
      return [{ kind: 'template', parts }, i + 1];
    }
    if (ch === '\\') {
      const next = source[++i] ?? '';
      text += ESCAPES[next] ?? next;
      continue;
    }
    if (ch === '$' && source[i + 1] === '{') {
      let depth = 0;
      let end = i + 2;
      for (; end < source.length; end++) {
        if (source[end] === '{') depth++;
        else if (source[end] === '}') {
          if (depth === 0) break;
          depth--;
        }
      }
      if (end >= source.length) throw new ConversionProblem('A ${ } in a template is not closed.');
      if (text) parts.push(text);
      text = '';
      parts.push(tokenize(source.slice(i + 2, end)));
      i = end;
      continue;
    }
    text += ch;
  }
  throw new ConversionProblem('A template literal is not closed.');
}

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: 'true' | 'false' | 'null' | 'undefined' }
  | { kind: 'name'; name: string }
  | { kind: 'member'; object: Node; name: string }
  | { kind: 'index'; object: Node; index: Node }
  | { kind: 'call'; callee: Node; args: Node[] }
  | { kind: 'unary'; op: '!' | '-' | '+' | 'typeof'; arg: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'conditional'; test: Node; then: Node; otherwise: Node }
  | { kind: 'array'; items: Node[] }
  | { kind: 'template'; parts: (string | Node)[] };

/** JavaScript binding powers of the binary operators the subset supports. */
const BINARY_POWER: Record<string, number> = {
  '??': 1,
  '||': 2,
  '&&': 3,
  '==': 6,
  '!=': 6,
  '===': 6,
  '!==': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const REFUSED: Record<string, string> = {
  '=>': 'an arrow function',
  '=': 'an assignment',
  '++': 'an increment',
  '--': 'a decrement',
  ';': 'more than one statement',
  '{': 'an object literal or a block',
  '...': 'a spread',
};

const REFUSED_WORDS = new Set([
  'new',
  'function',
  'class',
  'delete',
  'void',
  'await',
  'yield',
  'this',
  'instanceof',
  'in',
  'var',
  'let',
  'const',
]);

class Parser {
  #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseAll(): Node {
    if (this.#tokens.length === 0) throw new ConversionProblem('The expression is empty.');
    const node = this.#expression(0);
    const rest = this.#tokens[this.#at];
    if (rest) throw new ConversionProblem(`Unexpected ${describe(rest)} after the expression.`);
    return node;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#at];
  }

  #isPunct(value: string): boolean {
    const token = this.#peek();
    return token?.kind === 'punct' && token.value === value;
  }

  #expect(value: string): void {
    if (!this.#isPunct(value)) {
      const token = this.#peek();
      throw new ConversionProblem(
        `Expected "${value}" but found ${token ? describe(token) : 'the end'}.`,
      );
    }
    this.#at++;
  }

  #expression(minPower: number): Node {
    let left = this.#unary();
    for (;;) {
      const token = this.#peek();
      if (!token || token.kind !== 'punct') {
        if (token?.kind === 'name' && REFUSED_WORDS.has(token.value)) refuseWord(token.value);
        break;
      }
      if (REFUSED[token.value])
        throw new ConversionProblem(`Cannot convert ${REFUSED[token.value]}.`);
      if (token.value === '?' && minPower === 0) {
        this.#at++;
        const then = this.#expression(0);
        this.#expect(':');
        const otherwise = this.#expression(0);
        left = { kind: 'conditional', test: left, then, otherwise };
        continue;
      }
      const power = BINARY_POWER[token.value];
      if (power === undefined || power <= minPower) break;
      this.#at++;
      const right = this.#expression(power);
      left = { kind: 'binary', op: token.value, left, right };
    }
    return left;
  }

  #unary(): Node {
    const token = this.#peek();
    if (
      token?.kind === 'punct' &&
      (token.value === '!' || token.value === '-' || token.value === '+')
    ) {
      this.#at++;
      return { kind: 'unary', op: token.value, arg: this.#unary() };
    }
    if (token?.kind === 'name' && token.value === 'typeof') {
      this.#at++;
      return { kind: 'unary', op: 'typeof', arg: this.#unary() };
    }
    return this.#postfix(this.#primary());
  }

  #postfix(start: Node): Node {
    let node = start;
    for (;;) {
      if (this.#isPunct('.') || this.#isPunct('?.')) {
        this.#at++;
        if (this.#isPunct('[')) continue; // a?.[x]
        const name = this.#peek();
        if (name?.kind !== 'name')
          throw new ConversionProblem('Expected a property name after ".".');
        this.#at++;
        node = { kind: 'member', object: node, name: name.value };
      } else if (this.#isPunct('[')) {
        this.#at++;
        const index = this.#expression(0);
        this.#expect(']');
        node =
          index.kind === 'string'
            ? { kind: 'member', object: node, name: index.value }
            : { kind: 'index', object: node, index };
      } else if (this.#isPunct('(')) {
        this.#at++;
        const args: Node[] = [];
        while (!this.#isPunct(')')) {
          args.push(this.#expression(0));
          if (!this.#isPunct(')')) this.#expect(',');
        }
        this.#at++;
        node = { kind: 'call', callee: node, args };
      } else return node;
    }
  }

  #primary(): Node {
    const token = this.#peek();
    if (!token) throw new ConversionProblem('The expression ends too early.');
    this.#at++;
    switch (token.kind) {
      case 'number':
        return { kind: 'number', value: token.value };
      case 'string':
        return { kind: 'string', value: token.value };
      case 'template':
        return {
          kind: 'template',
          parts: token.parts.map((part) =>
            typeof part === 'string' ? part : new Parser(part).parseAll(),
          ),
        };
      case 'name':
        if (
          token.value === 'true' ||
          token.value === 'false' ||
          token.value === 'null' ||
          token.value === 'undefined'
        ) {
          return { kind: 'literal', value: token.value };
        }
        if (REFUSED_WORDS.has(token.value)) refuseWord(token.value);
        return { kind: 'name', name: token.value };
      case 'punct':
        if (token.value === '(') {
          const inner = this.#expression(0);
          this.#expect(')');
          return inner;
        }
        if (token.value === '[') {
          const items: Node[] = [];
          while (!this.#isPunct(']')) {
            items.push(this.#expression(0));
            if (!this.#isPunct(']')) this.#expect(',');
          }
          this.#at++;
          return { kind: 'array', items };
        }
        if (REFUSED[token.value])
          throw new ConversionProblem(`Cannot convert ${REFUSED[token.value]}.`);
        throw new ConversionProblem(`Unexpected "${token.value}".`);
    }
  }
}

function refuseWord(word: string): never {
  throw new ConversionProblem(`Cannot convert "${word}": only expressions over the input convert.`);
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'number':
      return `the number ${token.value}`;
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'template':
      return 'a template literal';
    case 'name':
      return `"${token.value}"`;
    case 'punct':
      return `"${token.value}"`;
  }
}

/** JSONata precedence of what an emitted piece is, for deciding where parentheses go. */
const ATOM = 100;
const PRECEDENCE: Record<string, number> = {
  '*': 60,
  '/': 60,
  '%': 60,
  '+': 50,
  '-': 50,
  '&': 50,
  '=': 40,
  '!=': 40,
  '<': 40,
  '>': 40,
  '<=': 40,
  '>=': 40,
  '?:': 40,
  '??': 40,
  and: 30,
  or: 25,
};

interface Emitted {
  text: string;
  precedence: number;
}

const JSONATA_KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

function fieldName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !JSONATA_KEYWORDS.has(name)) return name;
  if (name.includes('`'))
    throw new ConversionProblem(
      `The property name ${JSON.stringify(name)} cannot be written in JSONata.`,
    );
  return `\`${name}\``;
}

/** Wraps a piece in parentheses unless it binds tighter than `than`. */
function operand(piece: Emitted, than: number): string {
  return piece.precedence > than ? piece.text : `(${piece.text})`;
}

const atom = (text: string): Emitted => ({ text, precedence: ATOM });

const METHODS: Record<string, (object: string, args: string[]) => string> = {
  trim: (o) => `$trim(${o})`,
  toLowerCase: (o) => `$lowercase(${o})`,
  toUpperCase: (o) => `$uppercase(${o})`,
  toString: (o: string) => `$string(${o})`,
  includes: (o, [x]) => `($type(${o}) = "array" ? ${x} in ${o} : $contains(${o}, ${x}))`,
  startsWith: (o, [x]) => `($substring(${o}, 0, $length(${x})) = ${x})`,
  endsWith: (o, [x]) => `($substring(${o}, -$length(${x})) = ${x})`,
  split: (o, [x]) => `$split(${o}, ${x})`,
  join: (o, [x]) => `$join(${o}, ${x ?? '","'})`,
  replace: (o, [a, b]) => `$replace(${o}, ${a}, ${b}, 1)`,
  replaceAll: (o, [a, b]) => `$replace(${o}, ${a}, ${b})`,
};

const FUNCTIONS: Record<string, (args: string[]) => string> = {
  String: ([x]) => `$string(${x})`,
  Number: ([x]) => `$number(${x})`,
  Boolean: ([x]) => `$boolean(${x})`,
  'JSON.stringify': ([x]) => `$string(${x})`,
  'Math.round': ([x]) => `$round(${x})`,
  'Math.floor': ([x]) => `$floor(${x})`,
  'Math.ceil': ([x]) => `$ceil(${x})`,
  'Math.abs': ([x]) => `$abs(${x})`,
  'Math.sqrt': ([x]) => `$sqrt(${x})`,
  'Math.max': (args) => `$max([${args.join(', ')}])`,
  'Math.min': (args) => `$min([${args.join(', ')}])`,
  'Array.isArray': ([x]) => `($type(${x}) = "array")`,
  'Object.keys': ([x]) => `$keys(${x})`,
};

/** The dotted name of a callee such as `Math.max`, or null for anything else. */
function dottedName(node: Node): string | null {
  if (node.kind === 'name') return node.name;
  if (node.kind === 'member') {
    const object = dottedName(node.object);
    return object === null ? null : `${object}.${node.name}`;
  }
  return null;
}

const isStringy = (node: Node): boolean => node.kind === 'string' || node.kind === 'template';

function emit(node: Node, context: ConversionContext): Emitted {
  switch (node.kind) {
    case 'number':
      if (!Number.isFinite(node.value)) throw new ConversionProblem('The number is out of range.');
      return atom(String(node.value));
    case 'string':
      return atom(JSON.stringify(node.value));
    case 'literal':
      if (node.value === 'undefined') {
        throw new ConversionProblem('Cannot convert "undefined" outside a comparison.');
      }
      return atom(node.value);
    case 'name':
      if (node.name.startsWith('$')) return atom(`\`${node.name}\``);
      return atom(fieldName(node.name));
    case 'member': {
      const object = emit(node.object, 'value');
      if (node.name === 'length') {
        const o = object.text;
        return atom(`($type(${o}) = "array" ? $count(${o}) : $length(${o}))`);
      }
      return atom(`${operand(object, ATOM - 1)}.${fieldName(node.name)}`);
    }
    case 'index': {
      if (node.index.kind !== 'number' || !Number.isInteger(node.index.value)) {
        throw new ConversionProblem('Cannot convert an index that is not a whole number.');
      }
      return atom(`${operand(emit(node.object, 'value'), ATOM - 1)}[${node.index.value}]`);
    }
    case 'call': {
      const args = node.args.map((arg) => emit(arg, 'value').text);
      const name = dottedName(node.callee);
      if (name !== null && Object.hasOwn(FUNCTIONS, name)) return atom(FUNCTIONS[name]!(args));
      if (node.callee.kind === 'member' && Object.hasOwn(METHODS, node.callee.name)) {
        const object = emit(node.callee.object, 'value');
        return atom(METHODS[node.callee.name]!(operand(object, ATOM - 1), args));
      }
      const what =
        node.callee.kind === 'member'
          ? `the method ".${node.callee.name}()"`
          : `"${name ?? 'this call'}"`;
      throw new ConversionProblem(`Cannot convert ${what}; rewrite it in JSONata.`);
    }
    case 'unary': {
      if (node.op === '!') return atom(`$not(${emit(node.arg, 'condition').text})`);
      if (node.op === 'typeof') return atom(`$type(${emit(node.arg, 'value').text})`);
      if (node.op === '+') return atom(`$number(${emit(node.arg, 'value').text})`);
      return { text: `-${operand(emit(node.arg, 'value'), 70)}`, precedence: 70 };
    }
    case 'conditional': {
      const test = emit(node.test, 'condition');
      const then = emit(node.then, context);
      const otherwise = emit(node.otherwise, context);
      return {
        text: `${operand(test, 20)} ? ${operand(then, 20)} : ${operand(otherwise, 20)}`,
        precedence: 20,
      };
    }
    case 'array':
      return atom(`[${node.items.map((item) => emit(item, 'value').text).join(', ')}]`);
    case 'template': {
      const pieces = node.parts.map((part) =>
        typeof part === 'string' ? JSON.stringify(part) : `$string(${emit(part, 'value').text})`,
      );
      return {
        text: pieces.length === 0 ? '""' : pieces.join(' & '),
        precedence: pieces.length > 1 ? 50 : ATOM,
      };
    }
    case 'binary':
      return emitBinary(node, context);
  }
}

function emitBinary(node: Extract<Node, { kind: 'binary' }>, context: ConversionContext): Emitted {
  const { op, left, right } = node;
  if (op === '==' || op === '===' || op === '!=' || op === '!==') {
    const negate = op.startsWith('!');
    const other = isUndefined(right) ? left : isUndefined(left) ? right : null;
    const nullish = op.length === 2 && (isNull(right) ? left : isNull(left) ? right : null);
    if (other) {
      const exists = `$exists(${emit(other, 'value').text})`;
      return atom(negate ? exists : `$not(${exists})`);
    }
    if (nullish) {
      // Loose equality with null also matches a missing value.
      const value = emit(nullish, 'value').text;
      const missing = `($not($exists(${value})) or ${value} = null)`;
      return atom(negate ? `$not${missing}` : missing);
    }
    return binary(negate ? '!=' : '=', emit(left, 'value'), emit(right, 'value'));
  }
  if (op === '&&' || op === '||') {
    if (context === 'condition') {
      return binary(op === '&&' ? 'and' : 'or', emit(left, 'condition'), emit(right, 'condition'));
    }
    const a = emit(left, 'value');
    const b = emit(right, 'value');
    if (op === '||') return binary('?:', a, b);
    return { text: `${operand(a, 20)} ? ${operand(b, 20)} : ${operand(a, 20)}`, precedence: 20 };
  }
  if (op === '+' && (isStringy(left) || isStringy(right) || isConcat(left))) {
    return binary('&', emit(left, 'value'), emit(right, 'value'));
  }
  return binary(op, emit(left, 'value'), emit(right, 'value'));
}

/** Whether a `+` chain already turned into string concatenation (`'a' + x + y`). */
function isConcat(node: Node): boolean {
  return (
    node.kind === 'binary' &&
    node.op === '+' &&
    (isStringy(node.left) || isStringy(node.right) || isConcat(node.left))
  );
}

const isUndefined = (node: Node): boolean => node.kind === 'literal' && node.value === 'undefined';
const isNull = (node: Node): boolean => node.kind === 'literal' && node.value === 'null';

function binary(op: string, left: Emitted, right: Emitted): Emitted {
  const precedence = PRECEDENCE[op]!;
  // Left-associative: the left operand may share the precedence, the right one may not.
  const leftText =
    left.precedence >= precedence && op !== '=' && op !== '!='
      ? left.text
      : operand(left, precedence);
  return { text: `${leftText} ${op} ${operand(right, precedence)}`, precedence };
}

/** Converts one JavaScript-style expression to JSONata. */
export function convertJsExpression(
  source: string,
  context: ConversionContext = 'condition',
): ConversionResult {
  try {
    const tree = new Parser(tokenize(source)).parseAll();
    return { ok: true, expression: emit(tree, context).text };
  } catch (error) {
    if (error instanceof ConversionProblem) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * Converts every `{{ }}` placeholder of a template; text outside placeholders is kept as it is.
 * A placeholder that does not convert fails the whole template, so nothing is half-converted.
 */
export function convertJsTemplate(template: string): ConversionResult {
  let result = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open === -1) {
      result += template.slice(i);
      break;
    }
    const close = template.indexOf('}}', open + 2);
    if (close === -1) return { ok: false, error: 'The template has an unclosed {{ placeholder.' };
    const body = template.slice(open + 2, close);
    const converted = convertJsExpression(body.trim(), 'value');
    if (!converted.ok) return { ok: false, error: `In {{${body}}}: ${converted.error}` };
    result += `${template.slice(i, open)}{{${body.startsWith(' ') ? ' ' : ''}${converted.expression}${body.endsWith(' ') ? ' ' : ''}}}`;
    i = close + 2;
  }
  return { ok: true, expression: result };
}
