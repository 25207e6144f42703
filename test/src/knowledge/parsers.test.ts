import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/knowledge/config.ts';
import {
  detectFormat,
  parseDocument,
  type SourceFile,
} from '../../../src/knowledge/parsers/parse-document.ts';

const fixtures = new URL('../../fixtures/knowledge/', import.meta.url);

async function fixture(name: string, mimeType?: string): Promise<SourceFile> {
  const bytes = new Uint8Array(await readFile(new URL(name, fixtures)));
  return { name, bytes, ...(mimeType ? { mimeType } : {}) };
}

const limits = { maxFileBytes: DEFAULT_MAX_FILE_BYTES };

describe('parseDocument on real files', () => {
  it('reads the text of every page of a PDF, with where each page starts', async () => {
    const parsed = await parseDocument(await fixture('handbook.pdf'), limits);
    expect(parsed.format).toBe('pdf');
    expect(parsed.mimeType).toBe('application/pdf');
    expect(parsed.text).toContain('Water the greenhouse tomatoes every morning before eight.');
    expect(parsed.text).toContain('Cover the seedlings with fleece');
    expect(parsed.pageStarts).toHaveLength(2);
    const secondPage = parsed.text.slice(parsed.pageStarts![1]!);
    expect(secondPage.startsWith('Chapter two: frost protection.')).toBe(true);
    expect(parsed.text.slice(0, parsed.pageStarts![1]!)).not.toContain('frost');
  });

  it('refuses a password-protected PDF with a clear error', async () => {
    await expect(parseDocument(await fixture('encrypted.pdf'), limits)).rejects.toMatchObject({
      code: 'encrypted-pdf',
      message: expect.stringContaining('protected by a password'),
    });
  });

  it('refuses a damaged PDF with a clear error', async () => {
    await expect(parseDocument(await fixture('corrupt.pdf'), limits)).rejects.toMatchObject({
      code: 'corrupt-pdf',
      message: expect.stringContaining('"corrupt.pdf" could not be read as a PDF'),
    });
  });

  it('reads the paragraphs of a Word document', async () => {
    const parsed = await parseDocument(await fixture('minutes.docx'), limits);
    expect(parsed.format).toBe('docx');
    expect(parsed.text).toBe(
      'Board meeting minutes\n\nThe board approved the solar panel budget for the north barn.\n\nNext meeting: the first Monday of March.',
    );
  });

  it('refuses a .docx that is not a Word document', async () => {
    const file = await fixture('handbook.pdf');
    await expect(parseDocument({ ...file, name: 'report.docx' }, limits)).rejects.toMatchObject({
      code: 'corrupt-docx',
    });
  });

  it('keeps only the readable text of an HTML page: no scripts, styles, templates or markup', async () => {
    const parsed = await parseDocument(await fixture('cooperative.html'), limits);
    expect(parsed.format).toBe('html');
    expect(parsed.text).toContain('The cooperative bought a new grain dryer & a second tractor.');
    expect(parsed.text).toContain('Members meet in the old mill on Thursdays.');
    expect(parsed.text).toContain('Harvest festival: 12 September\nSeed swap: 3 October');
    expect(parsed.text.startsWith('Home · News · Contact\n\nCooperative news')).toBe(true);
    for (const hidden of [
      'stolen',
      'alert',
      'color: red',
      'evil.example',
      'Enable JavaScript',
      'template text',
      '<',
      'onerror',
    ]) {
      expect(parsed.text).not.toContain(hidden);
    }
  });

  it('reads Markdown, plain text, CSV and JSON as text', async () => {
    const markdown = await parseDocument(await fixture('greenhouse.md'), limits);
    expect(markdown.format).toBe('markdown');
    expect(markdown.text).toContain(
      'Open the roof vents when the inside temperature passes 26 °C.',
    );
    const text = await parseDocument(await fixture('compost.txt'), limits);
    expect(text.text).toBe(
      'Composting notes\n\nTurn the compost pile every two weeks. Keep it as damp as a wrung-out sponge.',
    );
    const csv = await parseDocument(await fixture('fields.csv'), limits);
    expect(csv.format).toBe('csv');
    expect(csv.text).toContain('north,barley,12');
    const json = await parseDocument(await fixture('orchard.json'), limits);
    expect(json.format).toBe('json');
    expect(json.text).toContain('prune in February');
  });

  it('refuses a binary file renamed .txt', async () => {
    await expect(parseDocument(await fixture('image-renamed.txt'), limits)).rejects.toMatchObject({
      code: 'binary-file',
      message: expect.stringContaining('"image-renamed.txt" is not a text file'),
    });
  });

  it('refuses an empty file', async () => {
    await expect(parseDocument(await fixture('empty.txt'), limits)).rejects.toMatchObject({
      code: 'empty-file',
      message: '"empty.txt" is empty.',
    });
  });

  it('refuses a file over the size limit before reading it', async () => {
    const big: SourceFile = { name: 'big.txt', bytes: new Uint8Array(2048).fill(0x61) };
    await expect(parseDocument(big, { maxFileBytes: 1024 })).rejects.toMatchObject({
      code: 'too-large',
      message: '"big.txt" is 2.0 KB, over this knowledge base\'s limit of 1.0 KB.',
    });
  });

  it('refuses a file type it cannot read', async () => {
    const file: SourceFile = {
      name: 'photo.png',
      mimeType: 'image/png',
      bytes: new Uint8Array([1]),
    };
    await expect(parseDocument(file, limits)).rejects.toMatchObject({ code: 'unsupported-type' });
  });

  it('reads text in old single-byte encodings and UTF-16 with a byte order mark', async () => {
    const latin1: SourceFile = { name: 'old.txt', bytes: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) };
    expect((await parseDocument(latin1, limits)).text).toBe('café');
    const utf16: SourceFile = {
      name: 'win.txt',
      bytes: new Uint8Array([0xff, 0xfe, 0x68, 0, 0x69, 0]),
    };
    expect((await parseDocument(utf16, limits)).text).toBe('hi');
  });

  it('picks the format from the extension, then from the MIME type', () => {
    expect(detectFormat('Notes.MD')).toBe('markdown');
    expect(detectFormat('download', 'application/pdf; charset=binary')).toBe('pdf');
    expect(detectFormat('archive.zip', 'application/zip')).toBeNull();
  });
});
