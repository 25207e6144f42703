/**
 * GoTrue's errors and the checks on what a caller sends to the auth endpoints: bounded JSON
 * bodies, e-mail addresses, passwords (bcrypt reads only 72 bytes) and user metadata.
 * Anything refused here is a 4xx that says what is wrong; nothing is written.
 */
import type { RequestContext } from './http-router.ts';
import { header, readBody, sendJson } from './http-router.ts';
import { JsonShapeError, jsonShape } from './json-shape.ts';

export class GoTrueError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const minimumPasswordLength = 6;
/** bcrypt ignores every byte after the 72nd: a longer password would be silently cut. */
export const maximumPasswordBytes = 72;
/** profiles.display_name's limit (20261123000001_tenancy.sql). */
export const maximumDisplayNameLength = 120;

/** GoTrue's answer when a caller exceeds a rate limit. */
export function rateLimited(retryAfterSeconds: number): GoTrueError {
  return new GoTrueError(
    429,
    'over_request_rate_limit',
    'Request rate limit reached',
    {},
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/**
 * GoTrue answers `{code, message}` to clients that send X-Supabase-Api-Version 2024-01-01 or
 * later (as supabase-js does) and the older `{code: <status>, error_code, msg}` otherwise.
 */
export function sendGoTrueError(ctx: RequestContext, error: GoTrueError): void {
  const version = header(ctx.req, 'x-supabase-api-version');
  if (version && /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= '2024-01-01') {
    sendJson(
      ctx.res,
      error.status,
      { code: error.errorCode, message: error.message, ...error.extra },
      { 'X-Supabase-Api-Version': '2024-01-01', ...error.headers },
    );
  } else {
    sendJson(
      ctx.res,
      error.status,
      { code: error.status, error_code: error.errorCode, msg: error.message, ...error.extra },
      error.headers,
    );
  }
}

export async function readJsonObject(ctx: RequestContext): Promise<Record<string, unknown>> {
  const text = await readBody(ctx.req, 1024 * 1024);
  let parsed: unknown;
  try {
    // The shape scan first: it refuses deep nesting before JSON.parse (slow on it) and before
    // anything serializes the value again (which would overflow the stack).
    jsonShape(text);
    parsed = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    const reason = error instanceof JsonShapeError || error instanceof SyntaxError;
    if (!reason) throw error;
    throw new GoTrueError(
      400,
      'bad_json',
      `Could not parse request body as JSON: ${error.message}`,
    );
  }
  if (!isObject(parsed)) {
    throw new GoTrueError(400, 'bad_json', 'Could not parse request body as JSON: not an object');
  }
  return parsed;
}

export function normalizeEmail(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new GoTrueError(422, 'validation_failed', 'To signup, please provide your email');
  }
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 255) {
    throw new GoTrueError(
      400,
      'validation_failed',
      'Unable to validate email address: invalid format',
    );
  }
  return email;
}

/** A new password: at least 6 characters, at most 72 bytes (UTF-8). */
export function checkNewPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < minimumPasswordLength) {
    throw new GoTrueError(
      422,
      'weak_password',
      `Password should be at least ${minimumPasswordLength} characters.`,
      { weak_password: { reasons: ['length'] } },
    );
  }
  if (Buffer.byteLength(password, 'utf8') > maximumPasswordBytes) {
    throw new GoTrueError(
      422,
      'validation_failed',
      `Password cannot be longer than ${maximumPasswordBytes} bytes (UTF-8).`,
    );
  }
  return password;
}

/** The `data` of a sign-up or user update, with a display name the profile can hold. */
export function checkUserData(data: unknown): Record<string, unknown> {
  if (!isObject(data)) return {};
  const name = data.display_name;
  if (name !== undefined && name !== null && typeof name !== 'string') {
    throw new GoTrueError(422, 'validation_failed', 'display_name must be a string');
  }
  if (typeof name === 'string' && [...name].length > maximumDisplayNameLength) {
    throw new GoTrueError(
      422,
      'validation_failed',
      `display_name can have at most ${maximumDisplayNameLength} characters`,
    );
  }
  return data;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
