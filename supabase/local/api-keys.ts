/**
 * Supabase's gateway refuses any request without one of the project's API keys before it
 * reaches auth, PostgREST or Realtime; this is that check, with the gateway's answers.
 */
import type { IncomingMessage } from 'node:http';
import { apiKeyOf } from './http-router.ts';

export interface ApiKeys {
  anonKey: string;
  serviceRoleKey: string;
}

export type ApiKeyCheck =
  { ok: true; key: string } | { ok: false; status: 401; body: { message: string; hint?: string } };

export function checkApiKey(keys: ApiKeys, req: IncomingMessage, url: URL): ApiKeyCheck {
  const key = apiKeyOf(req, url);
  if (!key) {
    return {
      ok: false,
      status: 401,
      body: {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      },
    };
  }
  if (key !== keys.anonKey && key !== keys.serviceRoleKey) {
    return { ok: false, status: 401, body: { message: 'Invalid API key' } };
  }
  return { ok: true, key };
}
