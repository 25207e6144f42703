/**
 * Keeps a device's index in step with the synced `kb_documents` rows: which rows to (re)index
 * because the index lacks them or has another version, and which indexed documents to drop
 * because their row was deleted, moved to another knowledge base or is gone. Run it after a
 * reload (on the persisted index) and whenever the collection changes.
 */
import type { IndexedDocument } from './chunk-index.ts';
import type { IngestDocument } from './ingest.ts';

/** The fields of a `kb_documents` row this folder reads. */
export interface KbDocumentRow {
  id: string;
  knowledge_base_id: string;
  name: string;
  content: string;
  status: string;
  updated_at: string;
  _deleted: boolean;
  metadata: { [key: string]: unknown };
}

export interface IndexUpdatePlan {
  /** Rows whose text is ready and that the index lacks or has at another version. */
  toIndex: KbDocumentRow[];
  /** Indexed documents without a live, ready row in this knowledge base. */
  toRemove: string[];
}

export function planIndexUpdate(
  knowledgeBaseId: string,
  indexed: ReadonlyMap<string, IndexedDocument>,
  rows: Iterable<KbDocumentRow>,
): IndexUpdatePlan {
  const toIndex: KbDocumentRow[] = [];
  const live = new Set<string>();
  for (const row of rows) {
    // Only documents whose text was extracted are indexed; a failed or pending one is not.
    if (row._deleted || row.knowledge_base_id !== knowledgeBaseId || row.status !== 'ready')
      continue;
    live.add(row.id);
    if (indexed.get(row.id)?.version !== row.updated_at) toIndex.push(row);
  }
  const toRemove = [...indexed.keys()].filter((id) => !live.has(id));
  return { toIndex, toRemove };
}

/** A synced row as the ingest pipeline takes it: its text, already extracted on the device that added it. */
export function ingestDocumentFromRow(row: KbDocumentRow): IngestDocument {
  const pageStarts = row.metadata['page_starts'];
  const pages =
    Array.isArray(pageStarts) && pageStarts.every((n) => Number.isInteger(n) && n >= 0)
      ? (pageStarts as number[])
      : undefined;
  return {
    id: row.id,
    version: row.updated_at,
    source: {
      kind: 'text',
      name: row.name,
      text: row.content,
      ...(pages ? { pageStarts: pages } : {}),
    },
  };
}
