/**
 * Bytes to text for the formats that are text already (.txt, .md, .csv, .json, and the input of
 * the HTML parser). A file that is not text whatever its name says (an image renamed .txt) is
 * refused rather than indexed as garbage.
 */
import { KnowledgeError } from '../errors.ts';

/** Share of control characters above which bytes are taken for a binary file. */
const MAX_CONTROL_SHARE = 0.05;
/** Bytes looked at to decide; enough to see a binary header, cheap on a 50 MB file. */
const SNIFF_BYTES = 64 * 1024;

export function decodeText(bytes: Uint8Array, fileName: string): string {
  if (hasBom(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes);
  if (hasBom(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes);
  if (looksBinary(bytes)) {
    throw new KnowledgeError(
      'binary-file',
      `"${fileName}" is not a text file (it holds binary data); rename it to its real type or export it as text.`,
    );
  }
  try {
    // ignoreBOM: false strips a UTF-8 byte order mark.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 but no control bytes either: an old single-byte encoding, most often Windows-1252.
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    // Tab, line feed, form feed, carriage return and escape appear in real text files.
    if (
      byte < 0x20 &&
      byte !== 0x09 &&
      byte !== 0x0a &&
      byte !== 0x0c &&
      byte !== 0x0d &&
      byte !== 0x1b
    ) {
      control++;
    }
  }
  return sample.length > 0 && control / sample.length > MAX_CONTROL_SHARE;
}

function hasBom(bytes: Uint8Array, bom: number[]): boolean {
  return bom.every((byte, i) => bytes[i] === byte);
}

/**
 * The one text shape everything downstream sees: NFC (so "é" typed two ways is one search term),
 * "\n" line ends, no NUL or other control characters, at most one blank line in a row.
 */
export function normalizeText(text: string): string {
  return (
    text
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, '')
      .replace(/[ \t\f\v]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
