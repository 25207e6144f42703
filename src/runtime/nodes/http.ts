/**
 * HTTP request node: renders URL, headers and body from templates, calls the URL and passes on
 * `{ status, headers, body }` (body parsed when the response is JSON). An optional secret is
 * sent as a bearer token. Responses are read up to a size bound; larger ones fail clearly.
 */
import { RuntimeError } from '../errors.ts';
import { renderTemplate, valueAsText } from '../expressions.ts';
import { callServer, failedResponse, readText, requireOnline } from '../http-call.ts';
import type { JsonObject, JsonValue } from '../types.ts';
import { stringField, type NodeExecutor } from './node-context.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Methods a retry cannot repeat the side effect of twice (429 means nothing was done). */
const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);
/** Headers a workflow may not set: the browser owns them or they would leak across origins. */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'cookie',
  'content-length',
  'connection',
  'origin',
  'referer',
]);
const KEPT_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'etag',
  'last-modified',
  'location',
];

export const runHttp: NodeExecutor = async (context) => {
  const { data } = context.node;
  const method = stringField(data, 'method', 'GET').toUpperCase();
  if (!METHODS.has(method)) throw new RuntimeError(`Unsupported method "${method}".`);
  const render = (text: string) =>
    renderTemplate(text, context.scope, context.limits, { signal: context.signal }).then(
      valueAsText,
    );

  const url = (await render(stringField(data, 'url'))).trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RuntimeError(
      `The URL ${JSON.stringify(url.slice(0, 200))} is not valid once rendered.`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RuntimeError('The URL must start with http:// or https://.');
  }
  requireOnline(context.services.isOnline, `HTTP ${method} ${parsed.host}`);

  const headers: Record<string, string> = {};
  const headersText = stringField(data, 'headers', '{}').trim() || '{}';
  let rawHeaders: unknown;
  try {
    rawHeaders = JSON.parse(headersText);
  } catch (error) {
    throw new RuntimeError(`The headers are not valid JSON: ${(error as Error).message}`);
  }
  if (!rawHeaders || typeof rawHeaders !== 'object' || Array.isArray(rawHeaders)) {
    throw new RuntimeError('The headers must be a JSON object of name → value.');
  }
  for (const [name, value] of Object.entries(rawHeaders as Record<string, unknown>)) {
    if (FORBIDDEN_HEADERS.has(name.toLowerCase()))
      throw new RuntimeError(`The header "${name}" cannot be set by a workflow.`);
    headers[name.toLowerCase()] = await render(
      typeof value === 'string' ? value : JSON.stringify(value),
    );
  }
  const bodyTemplate = stringField(data, 'body');
  const body = method === 'GET' || bodyTemplate === '' ? undefined : await render(bodyTemplate);
  if (body !== undefined && !headers['content-type']) {
    headers['content-type'] = /^\s*[[{]/.test(body)
      ? 'application/json'
      : 'text/plain;charset=utf-8';
  }
  const secretId = stringField(data, 'secretId').trim();
  if (secretId) headers['authorization'] = `Bearer ${await context.resolveSecret(secretId)}`;

  const what = `${method} ${parsed.host}`;
  const response = await callServer(
    context.services.fetch,
    parsed.href,
    { method, headers, body, signal: context.signal },
    what,
  );
  if (!response.ok) {
    const retryable = response.status === 429 || (response.status >= 500 && IDEMPOTENT.has(method));
    throw await failedResponse(response, what, context.signal, retryable);
  }
  const text = await readText(response, context.limits.maxResponseBytes, context.signal, what);
  const contentType = response.headers.get('content-type') ?? '';
  let responseBody: JsonValue = text;
  if (/\bjson\b/i.test(contentType) && text.trim() !== '') {
    try {
      responseBody = JSON.parse(text) as JsonValue;
    } catch {
      throw new RuntimeError(`${what} said it sent JSON but the body is not valid JSON.`);
    }
  }
  const kept: JsonObject = {};
  for (const name of KEPT_RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return { output: { status: response.status, headers: kept, body: responseBody } };
};
