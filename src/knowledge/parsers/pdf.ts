/**
 * Text of a PDF with pdf.js (pdfjs-dist), imported only when a PDF is actually read: it is the
 * largest dependency of ingest and most knowledge bases never see a PDF.
 *
 * pdf.js normally starts a worker of its own. Ingest already runs in a worker (and in Node for
 * tests and benchmarks), so the pdf.js worker module is loaded into the same thread instead
 * (pdf.js looks for it on `globalThis.pdfjsWorker`). Scripts and forms inside the PDF are never
 * run: only the text layer is read, with no scripting sandbox and XFA off.
 */
import { KnowledgeError } from '../errors.ts';

export interface PdfText {
  text: string;
  /** Offset in `text` where each page starts; page n (from 1) starts at pageStarts[n - 1]. */
  pageStarts: number[];
}

type PdfjsModule = typeof import('pdfjs-dist');

let loading: Promise<PdfjsModule> | undefined;

/** Pages read at most; a PDF with more is read up to here (bounded work for hostile files). */
const MAX_PAGES = 5000;

async function loadPdfjs(): Promise<PdfjsModule> {
  loading ??= (async () => {
    installPromiseWithResolvers();
    // The legacy build runs on every engine the app and its tests run on (Node 20 included);
    // the modern build needs Iterator helpers Node 20 lacks.
    const [pdfjs, worker] = await Promise.all([
      import('pdfjs-dist/legacy/build/pdf.mjs') as Promise<PdfjsModule>,
      import('pdfjs-dist/legacy/build/pdf.worker.mjs'),
    ]);
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return pdfjs;
  })();
  return loading;
}

/** pdf.js 6 calls Promise.withResolvers, which Node 20 does not have (browsers and Node 22 do). */
function installPromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: unknown };
  if (typeof promise.withResolvers === 'function') return;
  promise.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const created = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
}

export async function pdfToText(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
): Promise<PdfText> {
  const pdfjs = await loadPdfjs();
  // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  const onAbort = () => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const pdf = await task.promise.catch((error: unknown) => {
      throw describeOpenError(error, fileName);
    });
    let text = '';
    const pageStarts: number[] = [];
    const pages = Math.min(pdf.numPages, MAX_PAGES);
    for (let number = 1; number <= pages; number++) {
      if (signal?.aborted) break;
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      if (text !== '') text += '\n\n';
      pageStarts.push(text.length);
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      page.cleanup();
    }
    return { text, pageStarts };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await task.destroy();
  }
}

function describeOpenError(error: unknown, fileName: string): KnowledgeError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new KnowledgeError(
      'encrypted-pdf',
      `"${fileName}" is protected by a password; remove the protection (print it to a new PDF) and add it again.`,
      { cause: error },
    );
  }
  return new KnowledgeError(
    'corrupt-pdf',
    `"${fileName}" could not be read as a PDF (the file is damaged or not a PDF): ${
      error instanceof Error ? error.message : String(error)
    }`,
    { cause: error },
  );
}
