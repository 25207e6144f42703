import { describe, expect, it } from 'vitest';
import { chunkText, type TextChunk } from '../../../src/knowledge/chunking.ts';

function expectExactSlices(text: string, chunks: TextChunk[]): void {
  chunks.forEach((chunk, i) => {
    expect(chunk.index).toBe(i);
    expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
  });
}

/** Every non-space character of the text is in at least one chunk. */
function expectFullCoverage(text: string, chunks: TextChunk[]): void {
  const covered = new Uint8Array(text.length);
  for (const chunk of chunks) covered.fill(1, chunk.start, chunk.end);
  const uncovered: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (covered[i] === 0 && text[i]!.trim() !== '') uncovered.push(i);
  }
  expect(uncovered).toEqual([]);
}

function sentence(i: number): string {
  return `Sentence number ${i} talks about the harvest of field ${i % 7}.`;
}

describe('chunkText', () => {
  it('keeps a text shorter than the chunk size as one chunk', () => {
    const chunks = chunkText('  A short note.\n', { chunkSize: 100, chunkOverlap: 10 });
    expect(chunks).toEqual([{ index: 0, text: 'A short note.', start: 2, end: 15 }]);
  });

  it('returns no chunk for a text of whitespace only', () => {
    expect(chunkText(' \n\n\t ', { chunkSize: 100, chunkOverlap: 0 })).toEqual([]);
  });

  it('ends chunks at paragraph breaks when paragraphs fit', () => {
    const paragraphs = Array.from({ length: 6 }, (_, p) =>
      Array.from({ length: 3 }, (_, s) => sentence(p * 3 + s)).join(' '),
    );
    const text = paragraphs.join('\n\n');
    const chunks = chunkText(text, { chunkSize: 400, chunkOverlap: 0 });
    expectExactSlices(text, chunks);
    expectFullCoverage(text, chunks);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(400);
      // Each chunk is made of whole paragraphs.
      expect(paragraphs.some((p) => chunk.text.endsWith(p))).toBe(true);
      expect(paragraphs.some((p) => chunk.text.startsWith(p))).toBe(true);
    }
  });

  it('ends chunks at sentence ends inside a long paragraph', () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkText(text, { chunkSize: 300, chunkOverlap: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    expectExactSlices(text, chunks);
    expectFullCoverage(text, chunks);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(300);
      expect(chunk.text).toMatch(/^Sentence number \d+/);
      expect(chunk.text).toMatch(/\.$/);
    }
  });

  it('follows the sentence rules of other scripts (Japanese 。)', () => {
    const text = Array.from({ length: 30 }, (_, i) => `これは${i}番目の文です。`).join('');
    const chunks = chunkText(text, { chunkSize: 60, chunkOverlap: 0 });
    expectExactSlices(text, chunks);
    expectFullCoverage(text, chunks);
    for (const chunk of chunks) expect(chunk.text.endsWith('。')).toBe(true);
  });

  it('does not end a chunk after an abbreviation or an initial', () => {
    const text = Array.from(
      { length: 30 },
      (_, i) => `Dr. Smith met J. Doe, e.g. at farm ${i}. They talked.`,
    ).join(' ');
    const chunks = chunkText(text, { chunkSize: 200, chunkOverlap: 0 });
    expectExactSlices(text, chunks);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('Dr. Smith') || chunk.text.startsWith('They talked.')).toBe(
        true,
      );
    }
  });

  it('repeats about the overlap between consecutive chunks, starting at a sentence or a word', () => {
    const text = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkText(text, { chunkSize: 300, chunkOverlap: 100 });
    expectExactSlices(text, chunks);
    expectFullCoverage(text, chunks);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1]!;
      const current = chunks[i]!;
      const shared = previous.end - current.start;
      expect(shared).toBeGreaterThan(0);
      expect(shared).toBeLessThanOrEqual(100);
      expect(current.start).toBeGreaterThan(previous.start);
      // The overlap never starts in the middle of a word.
      expect(text[current.start - 1]).toMatch(/\s/);
    }
  });

  it('never cuts an emoji, a flag or a letter with combining accents in half', () => {
    const graphemes = ['👩‍👩‍👧‍👦', '🇫🇷', 'é', 'ñ', '😀', 'z̷̢̛a̵̡', '한'];
    const text = Array.from({ length: 3000 }, (_, i) => graphemes[i % graphemes.length]).join('');
    const chunks = chunkText(text, { chunkSize: 97, chunkOverlap: 13 });
    expectExactSlices(text, chunks);
    expectFullCoverage(text, chunks);
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const boundaries = new Set([...segmenter.segment(text)].map((s) => s.index));
    boundaries.add(text.length);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(97);
      expect(boundaries.has(chunk.start), `chunk ${chunk.index} starts inside a grapheme`).toBe(
        true,
      );
      expect(boundaries.has(chunk.end), `chunk ${chunk.index} ends inside a grapheme`).toBe(true);
      expect(chunk.text.isWellFormed()).toBe(true);
    }
  });

  it('cuts a very long line without any break into chunks of at most the chunk size', () => {
    const line = 'x'.repeat(1_000_000);
    const chunks = chunkText(line, { chunkSize: 1000, chunkOverlap: 100 });
    expectExactSlices(line, chunks);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(line.length);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(1000);
    // Each new chunk advances by the size minus the overlap.
    expect(chunks.length).toBe(Math.ceil((1_000_000 - 100) / 900));
  });

  it('cuts a long line of words between words', () => {
    const line = Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkText(line, { chunkSize: 500, chunkOverlap: 50 });
    expectExactSlices(line, chunks);
    expectFullCoverage(line, chunks);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(500);
      expect(chunk.text).toMatch(/^word\d+( word\d+)*$/);
    }
  });

  it('refuses an overlap not smaller than the size', () => {
    expect(() => chunkText('text', { chunkSize: 100, chunkOverlap: 100 })).toThrow(RangeError);
  });

  it('stops with a cancelled error when its signal is aborted', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() =>
      chunkText('some text', { chunkSize: 100, chunkOverlap: 0, signal: controller.signal }),
    ).toThrow(expect.objectContaining({ code: 'cancelled' }));
  });
});
