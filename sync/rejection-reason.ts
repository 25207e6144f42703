/**
 * A sentence for the user about a write the server refused, from its SQLSTATE: what
 * happened and what they can do. The server's own message is kept next to it.
 */
import type { SyncedCollection } from '../src/model/collections.ts';

const NOUN: Record<SyncedCollection, string> = {
  workflows: 'workflow',
  knowledge_bases: 'knowledge base',
  kb_documents: 'document',
  connectors: 'connector',
  secrets: 'secret',
  executions: 'execution',
};

export function rejectionReason(collection: SyncedCollection, code: string): string {
  const noun = NOUN[collection];
  switch (code) {
    case '42501':
      return `Your role in this organization does not allow changing this ${noun}, or you are no longer a member. Your change was undone; ask an admin for access.`;
    case 'P0002':
      return `This ${noun} is no longer visible to you on the server. Your change was undone.`;
    case '23505':
      return `Another ${noun} with the same name or id already exists. Your change was undone; rename it and try again.`;
    case '23514':
    case '23502':
    case '22P02':
    case '22023':
      return `The server refused this ${noun} because a value is not allowed. Your change was undone; check its fields and try again.`;
    default:
      return `The server refused this change to a ${noun} (code ${code}). Your change was undone.`;
  }
}
