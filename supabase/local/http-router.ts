/**
 * The small HTTP vocabulary shared by the auth, REST and static handlers: reading a bounded
 * body, answering JSON, CORS as Supabase's gateway answers it, and the API key check that
 * Supabase's gateway (Kong) does before any request reaches auth or PostgREST.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
}

export class BodyTooLargeError extends Error {}

export async function readBody(
  req: IncomingMessage,
  limitBytes = 8 * 1024 * 1024,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) {
      throw new BodyTooLargeError(`Request body is larger than ${limitBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendRawJson(res, status, JSON.stringify(body), headers);
}

/** For bodies already serialized (e.g. built as JSON text by Postgres). */
export function sendRawJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, headers);
  res.end();
}

/**
 * Any origin may call the API, as Supabase's gateway answers it: `*`, never the caller's own
 * origin reflected back (which is how credentialed cross-origin reads get allowed), and never
 * with credentials. Auth is the bearer token, which a foreign page does not have.
 */
export function applyCors(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader(
    'Access-Control-Expose-Headers',
    'Content-Range, Content-Location, X-Supabase-Api-Version',
  );
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers':
      req.headers['access-control-request-headers'] ??
      'authorization, x-client-info, apikey, content-type, prefer, accept-profile, content-profile',
    'Access-Control-Max-Age': '3600',
  });
  res.end();
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function bearerToken(req: IncomingMessage): string | null {
  const value = header(req, 'authorization');
  if (!value) return null;
  const match = /^bearer\s+(.+)$/i.exec(value.trim());
  return match ? match[1]!.trim() : null;
}

/** The API key as Kong's key-auth plugin reads it: the `apikey` header, else the query. */
export function apiKeyOf(req: IncomingMessage, url: URL): string | null {
  return header(req, 'apikey') ?? url.searchParams.get('apikey');
}
