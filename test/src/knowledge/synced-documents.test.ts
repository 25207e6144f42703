import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/knowledge/config.ts';
import { KnowledgeLibrary } from '../../../src/knowledge/knowledge-library.ts';
import {
  ingestDocumentFromRow,
  planIndexUpdate,
  type KbDocumentRow,
} from '../../../src/knowledge/synced-documents.ts';

const KB = 'kb-1';

function row(id: string, content: string, overrides: Partial<KbDocumentRow> = {}): KbDocumentRow {
  return {
    id,
    knowledge_base_id: KB,
    name: `${id}.txt`,
    content,
    status: 'ready',
    updated_at: '2026-12-01T10:00:00Z',
    _deleted: false,
    metadata: {},
    ...overrides,
  };
}

async function apply(
  library: KnowledgeLibrary,
  rows: KbDocumentRow[],
): Promise<{ indexed: string[]; removed: string[] }> {
  const plan = planIndexUpdate(KB, library.chunkIndex(KB).documents(), rows);
  for (const r of plan.toIndex) await library.ingest(KB, ingestDocumentFromRow(r));
  for (const id of plan.toRemove) library.removeDocument(KB, id);
  return { indexed: plan.toIndex.map((r) => r.id), removed: plan.toRemove };
}

describe('keeping the index in step with synced documents', () => {
  it('indexes new and changed rows only, and drops deleted, failed and moved ones', async () => {
    const library = new KnowledgeLibrary();
    library.configure(KB, DEFAULT_CONFIG);
    const rows = [
      row('a', 'Apples keep in the cellar.'),
      row('b', 'Beans climb the fence.'),
      row('c', 'Carrots like sand.'),
    ];
    expect(await apply(library, rows)).toEqual({ indexed: ['a', 'b', 'c'], removed: [] });
    // A reload with nothing changed re-indexes nothing.
    const reloaded = new KnowledgeLibrary();
    reloaded.configure(KB, DEFAULT_CONFIG);
    reloaded.load(KB, library.export(KB));
    expect(await apply(reloaded, rows)).toEqual({ indexed: [], removed: [] });

    const next = [
      row('a', 'Apples keep in the barn now.', { updated_at: '2026-12-02T09:00:00Z' }),
      row('b', 'Beans climb the fence.', { _deleted: true }),
      row('c', 'Carrots like sand.', { knowledge_base_id: 'other-kb' }),
      row('d', '', { status: 'failed' }),
      row('e', 'Endives grow in the dark.'),
    ];
    expect(await apply(reloaded, next)).toEqual({ indexed: ['a', 'e'], removed: ['b', 'c'] });
    const hits = async (q: string) =>
      (await reloaded.search(KB, q, { topK: 5 })).hits.map((h) => h.chunk.documentId);
    expect(await hits('barn')).toEqual(['a']);
    expect(await hits('cellar')).toEqual([]);
    expect(await hits('beans carrots')).toEqual([]);
    expect(await hits('endives')).toEqual(['e']);
  });

  it('keeps the page of a PDF chunk from the row metadata', async () => {
    const library = new KnowledgeLibrary();
    library.configure(KB, { ...DEFAULT_CONFIG, chunkSize: 60, chunkOverlap: 0 });
    const content =
      'Chapter one: irrigation schedules.\n\nChapter two: frost protection with fleece.';
    await library.ingest(
      KB,
      ingestDocumentFromRow(row('pdf', content, { metadata: { page_starts: [0, 36] } })),
    );
    const [hit] = (await library.search(KB, 'fleece', { topK: 1 })).hits;
    expect(hit?.chunk.page).toBe(2);
  });
});
