/**
 * The messages between the app and the knowledge worker: a call names a method of the
 * KnowledgeLibrary with its parameters; the worker answers with progress (ingest), then one
 * result or one error. A cancel message aborts the call's AbortSignal in the worker. Only
 * structured-cloneable data crosses: file bytes, strings, plain objects.
 */
import type { KnowledgeBaseConfig } from './config.ts';
import type { KnowledgeErrorCode } from './errors.ts';
import type { KnowledgeSearchOptions, KnowledgeSearchResponse } from './hybrid-search.ts';
import type { IngestDocument, IngestProgress, IngestResult } from './ingest.ts';
import type { KnowledgeBaseStats, PersistedKnowledgeBase } from './knowledge-library.ts';

export interface KnowledgeWorkerMethods {
  configure: { params: { knowledgeBaseId: string; config: KnowledgeBaseConfig }; result: null };
  load: {
    params: { knowledgeBaseId: string; persisted: PersistedKnowledgeBase };
    result: KnowledgeBaseStats;
  };
  ingest: {
    params: { knowledgeBaseId: string; document: IngestDocument; apiKey?: string | null };
    result: IngestResult;
  };
  removeDocument: { params: { knowledgeBaseId: string; documentId: string }; result: boolean };
  removeKnowledgeBase: { params: { knowledgeBaseId: string }; result: boolean };
  search: {
    params: {
      knowledgeBaseId: string;
      query: string;
      options: Omit<KnowledgeSearchOptions, 'signal'>;
      apiKey?: string | null;
    };
    result: KnowledgeSearchResponse;
  };
  export: { params: { knowledgeBaseId: string }; result: PersistedKnowledgeBase };
  stats: { params: { knowledgeBaseId: string }; result: KnowledgeBaseStats };
}

export type KnowledgeWorkerMethod = keyof KnowledgeWorkerMethods;

export type KnowledgeWorkerRequest =
  | {
      [M in KnowledgeWorkerMethod]: {
        type: 'call';
        id: number;
        method: M;
        params: KnowledgeWorkerMethods[M]['params'];
      };
    }[KnowledgeWorkerMethod]
  | { type: 'cancel'; id: number };

export type KnowledgeWorkerResponse =
  | { type: 'progress'; id: number; progress: IngestProgress }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; code: KnowledgeErrorCode | 'internal'; message: string };

/** The part of a Worker, a MessagePort or a worker's `self` the protocol uses. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}
