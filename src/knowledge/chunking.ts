/**
 * Splits a document's text into chunks of at most `chunkSize` characters (UTF-16 code units, the
 * unit of a JavaScript string's length) where consecutive chunks share about `chunkOverlap`
 * characters. A chunk ends, in order of preference, at a paragraph break, a sentence end ("."
 * "!" "?" "…" before a space, or the full-width "。！？" of Chinese and Japanese; "Dr." or "e.g." do
 * not end a sentence), between words, or, for a line with no break at all, between two graphemes
 * (Intl.Segmenter), so an emoji, a flag or a letter with its accents is never cut in half.
 * Sentence ends are found by a scan of the characters rather than by Intl.Segmenter's sentence
 * mode, which costs five times as much and would make chunking the slowest step of ingest.
 *
 * Each chunk is an exact slice of the text (`text.slice(start, end)`), so a search hit can point
 * back to where it came from. The work per chunk is bounded by the chunk size whatever the
 * shape of the text (one megabyte on a single line costs the same as a thousand short lines).
 */
import { throwIfCancelled } from './errors.ts';

export interface TextChunk {
  /** Position of the chunk in its document, from 0. */
  index: number;
  text: string;
  /** Offsets of the chunk in the document's text. */
  start: number;
  end: number;
}

export interface ChunkingOptions {
  chunkSize: number;
  chunkOverlap: number;
  signal?: AbortSignal;
}

let graphemeSegmenter: Intl.Segmenter | undefined;

function graphemes(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return graphemeSegmenter;
}

/** A grapheme (an emoji ZWJ sequence, a letter with stacked accents) longer than this is cut. */
const GRAPHEME_LOOKAROUND = 64;

export function chunkText(text: string, options: ChunkingOptions): TextChunk[] {
  const { chunkSize, chunkOverlap, signal } = options;
  if (!(chunkSize >= 1) || !(chunkOverlap >= 0) || chunkOverlap >= chunkSize) {
    throw new RangeError(`chunkText: need 0 <= overlap < size (got ${chunkOverlap}, ${chunkSize})`);
  }
  const chunks: TextChunk[] = [];
  const length = text.length;
  let start = skipWhitespace(text, 0);
  while (start < length) {
    if (chunks.length % 1024 === 0) throwIfCancelled(signal);
    const limit = start + chunkSize;
    // At least one character a chunk, whatever the boundaries say, so the loop always ends.
    const end = limit >= length ? length : Math.max(start + 1, findChunkEnd(text, start, limit));
    const trimmedEnd = trimEnd(text, start, end);
    if (trimmedEnd > start) {
      chunks.push({
        index: chunks.length,
        text: text.slice(start, trimmedEnd),
        start,
        end: trimmedEnd,
      });
    }
    if (end >= length) break;
    let next = chunkOverlap > 0 ? overlapStart(text, start, trimmedEnd, chunkOverlap) : end;
    next = skipWhitespace(text, next);
    // Always move forward, even if the overlap would start the next chunk where this one did.
    if (next <= start) next = skipWhitespace(text, end);
    start = next;
  }
  return chunks;
}

/** Where a chunk starting at `start` should end, at most at `limit` (exclusive). */
function findChunkEnd(text: string, start: number, limit: number): number {
  // Only breaks in the second half of the window count, so chunks do not come out tiny just
  // because a paragraph ended early in them.
  const windowStart = start + Math.max(1, Math.floor((limit - start) / 2));
  return (
    lastParagraphBreak(text, windowStart, limit) ??
    lastSentenceBreak(text, windowStart, limit) ??
    lastWordBreak(text, windowStart, limit) ??
    graphemeBoundaryAtOrBefore(text, limit, start)
  );
}

const PARAGRAPH_BREAK = /\n[ \t\r\f\v]*\n/g;

function lastParagraphBreak(text: string, from: number, limit: number): number | null {
  const window = text.slice(from, limit + 1);
  let found: number | null = null;
  PARAGRAPH_BREAK.lastIndex = 0;
  for (let match = PARAGRAPH_BREAK.exec(window); match; match = PARAGRAPH_BREAK.exec(window)) {
    if (match.index > 0) found = from + match.index;
  }
  return found;
}

function lastSentenceBreak(text: string, from: number, limit: number): number | null {
  for (let i = limit; i > from; i--) if (isSentenceStart(text, i)) return i;
  return null;
}

/** Words after which a full stop does not end a sentence. */
const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof st vs etc eg ie no fig cf al jr sr inc ltd co approx dept est vol p pp'.split(
    ' ',
  ),
);

/**
 * Whether a sentence starts at `i`: the text before it ends with a sentence end and whitespace
 * (or with a full-width terminator, which needs no space), and `i` is not whitespace.
 */
function isSentenceStart(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (i <= 0 || i >= text.length || isWhitespace(code)) return false;
  const before = text.charCodeAt(i - 1);
  if (before === 0x3002 || before === 0xff01 || before === 0xff1f) return true; // 。！？
  if (!isWhitespace(before)) return false;
  let j = i - 1;
  while (j > 0 && isWhitespace(text.charCodeAt(j))) j--;
  // Closing quotes and brackets may follow the terminator: `He said "no." Then`.
  while (j > 0 && CLOSERS.has(text.charCodeAt(j))) j--;
  const end = text.charCodeAt(j);
  if (end === 0x21 || end === 0x3f || end === 0x2026) return true; // ! ? …
  if (end !== 0x2e) return false; // .
  // "Dr." "e.g." "J." are not sentence ends.
  let w = j;
  while (w > 0 && isWordChar(text.charCodeAt(w - 1))) w--;
  const word = text.slice(w, j);
  if (/^\p{Lu}$/u.test(word)) return false;
  return !ABBREVIATIONS.has(word.toLowerCase().replace(/\./g, ''));
}

const CLOSERS = new Set([0x22, 0x27, 0x29, 0x5d, 0x7d, 0x2019, 0x201d, 0xbb]);

function isWordChar(code: number): boolean {
  return code === 0x2e || (code > 0x20 && !isWhitespace(code) && code !== 0x28 && code !== 0x22);
}

function lastWordBreak(text: string, from: number, limit: number): number | null {
  for (let i = limit; i > from; i--) {
    if (isWhitespace(text.charCodeAt(i))) return i;
  }
  return null;
}

/** The last grapheme boundary at or before `position` and after `floor`. */
function graphemeBoundaryAtOrBefore(text: string, position: number, floor: number): number {
  const from = Math.max(floor, position - GRAPHEME_LOOKAROUND);
  const window = text.slice(from, Math.min(text.length, position + GRAPHEME_LOOKAROUND));
  let found: number | null = null;
  for (const segment of graphemes().segment(window)) {
    const boundary = from + segment.index;
    if (boundary > position) break;
    if (boundary > floor) found = boundary;
  }
  if (found !== null) return found;
  // A single grapheme longer than the lookaround: cut it, but never between two surrogates.
  return isLowSurrogate(text.charCodeAt(position)) ? position - 1 : position;
}

/** Where the chunk after [start, end) starts so that it repeats about `overlap` characters. */
function overlapStart(text: string, start: number, end: number, overlap: number): number {
  const target = Math.max(start + 1, end - overlap);
  // Prefer starting the overlap at a sentence, then at a word, inside the overlap window.
  for (let i = target; i < end; i++) if (isSentenceStart(text, i)) return i;
  for (let i = target; i < end; i++) {
    if (isWhitespace(text.charCodeAt(i - 1)) && !isWhitespace(text.charCodeAt(i))) return i;
  }
  return graphemeBoundaryAtOrBefore(text, target, start);
}

function skipWhitespace(text: string, position: number): number {
  let i = position;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

function trimEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && isWhitespace(text.charCodeAt(i - 1))) i--;
  return i;
}

function isWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x3000 ||
    code === 0x2028 ||
    code === 0x2029
  );
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
