/**
 * What the REST handler needs to know about a JSON request body without parsing it into
 * objects: whether it is an object, an array of objects or something else, and its top-level
 * keys (of each element, for an array). Parsing and re-serializing a 16 MiB body blocked the
 * event loop for a few hundred milliseconds, and a body of nothing but `[[[[…` took seconds to
 * parse and then overflowed the stack when serialized; this scan is linear, skips string
 * contents with indexOf, and refuses nesting deeper than `maxDepth`. Postgres parses the text
 * itself when it casts the parameter to json, so syntax errors are still reported.
 */

export interface JsonShape {
  kind: 'object' | 'array' | 'other';
  /** Top-level keys of the object, or of every object element of the array. */
  keys: Set<string>;
  /** For an array: every element is an object. */
  allObjects: boolean;
}

export class JsonShapeError extends Error {}

export const maxJsonDepth = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index of the quote that closes the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let backslashes = 0;
    for (let i = end - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  throw new JsonShapeError('Unterminated string');
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

export function jsonShape(text: string, maxDepth = maxJsonDepth): JsonShape {
  let start = 0;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  const first = text[start];
  const shape: JsonShape = {
    kind: first === '{' ? 'object' : first === '[' ? 'array' : 'other',
    keys: new Set(),
    allObjects: true,
  };
  if (shape.kind === 'other') return shape;
  // The open containers, innermost last: true for an object.
  const stack: boolean[] = [];
  // In an object, whether the next string is a key.
  let expectKey = false;
  // Keys are collected at depth 1 of an object body, or depth 2 inside an array of objects.
  const keyDepth = shape.kind === 'object' ? 1 : 2;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey && stack.length === keyDepth) {
        shape.keys.add(JSON.parse(text.slice(i, end + 1)) as string);
      } else if (shape.kind === 'array' && stack.length === 1) {
        shape.allObjects = false;
      }
      expectKey = false;
      i = end;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (shape.kind === 'array' && stack.length === 1 && code === 0x5b) shape.allObjects = false;
      stack.push(code === 0x7b);
      if (stack.length > maxDepth) {
        throw new JsonShapeError(`JSON is nested deeper than ${maxDepth} levels`);
      }
      expectKey = code === 0x7b;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      if (stack.pop() !== (code === 0x7d)) throw new JsonShapeError('Unbalanced brackets');
      expectKey = false;
      if (stack.length === 0) {
        for (let rest = i + 1; rest < text.length; rest++) {
          if (!isSpace(text.charCodeAt(rest)))
            throw new JsonShapeError('Unexpected text after JSON');
        }
        return shape;
      }
    } else if (code === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] === true;
    } else if (!isSpace(code) && code !== 0x3a /* : */) {
      // A number or literal: an array element that is not an object, if at depth 1.
      if (shape.kind === 'array' && stack.length === 1) shape.allObjects = false;
    }
  }
  throw new JsonShapeError('Unexpected end of JSON');
}
