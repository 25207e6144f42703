/**
 * How text becomes search terms, shared by the index, the query and the highlighter so a
 * highlighted word is exactly a word the index matched: split on spaces and punctuation,
 * lower-case, accents folded ("Café" finds "cafe"), the commonest English words dropped (they
 * match nearly every chunk and only slow a query down).
 */
const WORD = /[^\n\r\p{Z}\p{P}\p{S}]+/gu;
const SEPARATORS = /[\n\r\p{Z}\p{P}\p{S}]+/u;
const NON_ASCII = /[\u0080-\uffff]/;
const MARKS = /\p{M}+/gu;

/** Longest term indexed; longer "words" are base64 blobs or hashes, not language. */
const MAX_TERM_LENGTH = 64;

const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have in is it its of on or that the this to was were will with'.split(
    ' ',
  ),
);

export function tokenize(text: string): string[] {
  return text.split(SEPARATORS);
}

/** The index form of a word, or null when the word is not indexed. */
export function processTerm(word: string): string | null {
  if (word === '' || word.length > MAX_TERM_LENGTH) return null;
  let term = word.toLowerCase();
  if (NON_ASCII.test(term)) term = term.normalize('NFD').replace(MARKS, '').normalize('NFC');
  return term === '' || STOP_WORDS.has(term) ? null : term;
}

export interface TextRange {
  start: number;
  end: number;
}

/** Where in `text` the words whose index form is one of `terms` are, in order. */
export function findTermRanges(text: string, terms: Iterable<string>): TextRange[] {
  const wanted = new Set(terms);
  if (wanted.size === 0) return [];
  const ranges: TextRange[] = [];
  for (const match of text.matchAll(WORD)) {
    const term = processTerm(match[0]);
    if (term !== null && wanted.has(term)) {
      ranges.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  return ranges;
}
