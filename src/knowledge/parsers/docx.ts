/**
 * Text of a Word document with mammoth, imported only when a .docx is actually read.
 * mammoth's Node build reads `buffer`, its browser build `arrayBuffer`; both are given.
 */
import { KnowledgeError } from '../errors.ts';

export async function docxToText(bytes: Uint8Array, fileName: string): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  const copy = bytes.slice();
  try {
    const result = await mammoth.extractRawText({
      arrayBuffer: copy.buffer,
      buffer: copy,
    } as unknown as Parameters<typeof mammoth.extractRawText>[0]);
    return result.value;
  } catch (error) {
    throw new KnowledgeError(
      'corrupt-docx',
      `"${fileName}" could not be read as a Word document (.docx): ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
}
