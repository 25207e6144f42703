/**
 * Where the Supabase API is. The server that serves the app answers `GET /config.json`; the
 * last answer is kept in localStorage so the app starts with no network (the service worker
 * also caches it, network first). A build can instead fix the values with VITE_SUPABASE_URL
 * and VITE_SUPABASE_ANON_KEY, which is how the app points at a real Supabase project.
 */
import { errorMessage } from '../model/errors.ts';

export interface AppConfig {
  supabaseUrl: string;
  supabaseAnonKey: string;
}

const STORAGE_KEY = 'flowkeep.config';

function isAppConfig(value: unknown): value is AppConfig {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.supabaseUrl === 'string' && typeof record.supabaseAnonKey === 'string';
}

export function cachedConfig(): AppConfig | null {
  const fromBuild = buildConfig();
  if (fromBuild) return fromBuild;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return isAppConfig(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function buildConfig(): AppConfig | null {
  const url = import.meta.env.VITE_SUPABASE_URL as string | undefined;
  const key = import.meta.env.VITE_SUPABASE_ANON_KEY as string | undefined;
  return url && key ? { supabaseUrl: url, supabaseAnonKey: key } : null;
}

/** Fetches the config from the server and caches it; falls back to the cached copy offline. */
export async function loadConfig(): Promise<AppConfig> {
  const fromBuild = buildConfig();
  if (fromBuild) return fromBuild;
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /config.json answered ${response.status}`);
    const body: unknown = await response.json();
    if (!isAppConfig(body)) throw new Error('/config.json lacks supabaseUrl or supabaseAnonKey');
    localStorage.setItem(STORAGE_KEY, JSON.stringify(body));
    return body;
  } catch (error) {
    const cached = cachedConfig();
    if (cached) return cached;
    throw new Error(
      `Flowkeep cannot find its server: ${errorMessage(error)}. ` +
        'Connect to the network once (or start the server with `npm start`) and reload.',
    );
  }
}
