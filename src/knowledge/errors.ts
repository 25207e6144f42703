/**
 * Every failure of src/knowledge/ a user can meet, with a code the UI and the worker protocol
 * can switch on and a message a person can read. Nothing is changed when one is thrown: ingest
 * only touches an index once its document parsed and chunked completely.
 */
export type KnowledgeErrorCode =
  | 'empty-file'
  | 'no-text'
  | 'too-large'
  | 'binary-file'
  | 'unsupported-type'
  | 'corrupt-pdf'
  | 'encrypted-pdf'
  | 'corrupt-docx'
  | 'invalid-config'
  | 'cancelled'
  | 'embeddings-unreachable'
  | 'embeddings-failed'
  | 'unknown-knowledge-base'
  | 'corrupt-index';

export class KnowledgeError extends Error {
  override readonly name = 'KnowledgeError';
  constructor(
    readonly code: KnowledgeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Throws the `cancelled` error when the caller aborted; called between the steps of long work. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new KnowledgeError('cancelled', 'Cancelled: nothing was changed.');
}

export function isKnowledgeError(
  error: unknown,
  code?: KnowledgeErrorCode,
): error is KnowledgeError {
  return error instanceof KnowledgeError && (code === undefined || error.code === code);
}
