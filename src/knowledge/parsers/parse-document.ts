/**
 * One entry for every supported file: picks the parser from the file's extension (then its MIME
 * type), enforces the size limit before reading, and returns normalized text. Empty, oversized,
 * binary, damaged and protected files each get a KnowledgeError saying what is wrong.
 */
import { KnowledgeError, throwIfCancelled } from '../errors.ts';
import { docxToText } from './docx.ts';
import { htmlToText } from './html.ts';
import { pdfToText } from './pdf.ts';
import { decodeText, normalizeText } from './text.ts';

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'pdf' | 'docx' | 'csv' | 'json';

export interface SourceFile {
  name: string;
  /** As the browser reports it; may be empty. */
  mimeType?: string;
  bytes: Uint8Array;
}

export interface ParsedDocument {
  format: DocumentFormat;
  /** MIME type to store on the document row. */
  mimeType: string;
  text: string;
  /** For PDFs: offset in `text` where each page starts. */
  pageStarts?: number[];
}

const BY_EXTENSION: Record<string, DocumentFormat> = {
  txt: 'text',
  text: 'text',
  log: 'text',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
  csv: 'csv',
  json: 'json',
};

const BY_MIME: Record<string, DocumentFormat> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/csv': 'csv',
  'application/json': 'json',
};

export const MIME_OF: Record<DocumentFormat, string> = {
  text: 'text/plain',
  markdown: 'text/markdown',
  html: 'text/html',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
  json: 'application/json',
};

/** What the file picker offers. */
export const ACCEPTED_EXTENSIONS = Object.keys(BY_EXTENSION).map((extension) => `.${extension}`);

export function detectFormat(name: string, mimeType?: string): DocumentFormat | null {
  const dot = name.lastIndexOf('.');
  const extension = dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
  const mime = (mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  return BY_EXTENSION[extension] ?? BY_MIME[mime] ?? null;
}

export interface ParseOptions {
  maxFileBytes: number;
  signal?: AbortSignal;
}

export async function parseDocument(
  file: SourceFile,
  options: ParseOptions,
): Promise<ParsedDocument> {
  const { name, bytes } = file;
  const format = detectFormat(name, file.mimeType);
  if (!format) {
    throw new KnowledgeError(
      'unsupported-type',
      `"${name}" is not a supported file type; add ${ACCEPTED_EXTENSIONS.join(', ')} files.`,
    );
  }
  if (bytes.byteLength > options.maxFileBytes) {
    throw new KnowledgeError(
      'too-large',
      `"${name}" is ${formatBytes(bytes.byteLength)}, over this knowledge base's limit of ${formatBytes(
        options.maxFileBytes,
      )}.`,
    );
  }
  if (bytes.byteLength === 0) throw new KnowledgeError('empty-file', `"${name}" is empty.`);
  throwIfCancelled(options.signal);
  let text: string;
  let pageStarts: number[] | undefined;
  switch (format) {
    case 'pdf': {
      const pdf = await pdfToText(bytes, name, options.signal);
      ({ text, pageStarts } = normalizePages(pdf.text, pdf.pageStarts));
      break;
    }
    case 'docx':
      text = normalizeText(await docxToText(bytes, name));
      break;
    case 'html':
      text = normalizeText(htmlToText(decodeText(bytes, name)));
      break;
    default:
      text = normalizeText(decodeText(bytes, name));
  }
  throwIfCancelled(options.signal);
  if (text === '') {
    throw new KnowledgeError(
      'no-text',
      format === 'pdf'
        ? `"${name}" has no text layer (a scanned PDF?); run it through OCR first.`
        : `"${name}" contains no text.`,
    );
  }
  return { format, mimeType: MIME_OF[format], text, ...(pageStarts ? { pageStarts } : {}) };
}

/** Normalizes page by page so page offsets still point at the right place afterwards. */
function normalizePages(text: string, starts: number[]): { text: string; pageStarts: number[] } {
  const pages = starts.map((start, i) =>
    normalizeText(text.slice(start, starts[i + 1] ?? text.length)),
  );
  const pageStarts: number[] = [];
  let joined = '';
  for (const page of pages) {
    if (joined !== '') joined += '\n\n';
    pageStarts.push(joined.length);
    joined += page;
  }
  return { text: joined.trim() === '' ? '' : joined, pageStarts };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
