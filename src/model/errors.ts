/**
 * Errors as the app and the sync layer see them: one type for a refusal or failure a Supabase
 * call (RPC, table read, table write) returned, and one way to turn anything thrown into a
 * sentence.
 */

/** What supabase-js reports (PostgrestError): a message, a code and sometimes a hint. */
export interface SupabaseErrorLike {
  message: string;
  code?: string | null;
  hint?: string | null;
}

/** A failure a Supabase call returned, with the Postgres SQLSTATE when there is one. */
export class RpcError extends Error {
  /** Five-character SQLSTATE, e.g. 42501 (not allowed) or 40001 (retry); null otherwise. */
  readonly sqlState: string | null;

  constructor(message: string, sqlState: string | null) {
    super(message);
    this.name = 'RpcError';
    this.sqlState = sqlState;
  }

  /** From supabase-js' error: the hint joins the message, only a real SQLSTATE is kept. */
  static from(error: SupabaseErrorLike, prefix = ''): RpcError {
    const message = `${prefix}${error.message}${error.hint ? ` (${error.hint})` : ''}`;
    return new RpcError(message, sqlStateOf(error));
  }
}

/** The SQLSTATE of an error supabase-js returned, or null (network, auth, HTTP errors). */
export function sqlStateOf(error: unknown): string | null {
  const code = error && typeof error === 'object' ? (error as { code?: unknown }).code : null;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** The message of anything thrown: an Error's message, otherwise its text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
