/**
 * The HTTP side of the REST handler: request bodies as JSON text with their shape, path
 * segments, `Accept`/`Accept-Profile` as PostgREST reads them, and answers in its shapes.
 */
import type { RequestContext } from './http-router.ts';
import { header, readBody, sendEmpty, sendRawJson } from './http-router.ts';
import { JsonShapeError, jsonShape } from './json-shape.ts';
import { PostgrestError } from './postgrest-errors.ts';
import type { WriteBody } from './rest-write.ts';

const maxBodyBytes = 16 * 1024 * 1024;

/** The body as JSON text and its shape; malformed or too deeply nested: PGRST102. */
export async function readJson(ctx: RequestContext): Promise<WriteBody> {
  const text = await readBody(ctx.req, maxBodyBytes);
  try {
    return { text, shape: jsonShape(text) };
  } catch (error) {
    if (!(error instanceof JsonShapeError)) throw error;
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', error.message);
  }
}

/** A path segment, percent-decoded; a malformed escape is the caller's error, not ours. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new PostgrestError(
      400,
      'PGRST100',
      `Malformed percent-encoding in the URL path: "${segment.slice(0, 200)}"`,
      null,
      'Encode "%" as %25.',
    );
  }
}

export function sendPostgrestError(ctx: RequestContext, error: PostgrestError): void {
  sendRawJson(ctx.res, error.status, JSON.stringify(error.body), error.headers);
}

export function sendBody(
  ctx: RequestContext,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  if (ctx.method === 'HEAD') return sendEmpty(ctx.res, status, headers);
  sendRawJson(ctx.res, status, body, headers);
}

export function wantsSingleObject(ctx: RequestContext): boolean {
  return (header(ctx.req, 'accept') ?? '').includes('application/vnd.pgrst.object+json');
}

export function notSingle(count: number): PostgrestError {
  return new PostgrestError(
    406,
    'PGRST116',
    'Cannot coerce the result to a single JSON object',
    `The result contains ${count} rows`,
  );
}

/** supabase-js sends Accept-Profile/Content-Profile when a schema is chosen; only public is served. */
export function checkProfile(ctx: RequestContext): void {
  for (const name of ['accept-profile', 'content-profile']) {
    const profile = header(ctx.req, name);
    if (profile !== undefined && profile !== 'public') {
      throw new PostgrestError(
        406,
        'PGRST106',
        'Invalid schema: ' + profile,
        null,
        'Only the following schemas are exposed: public',
      );
    }
  }
}
