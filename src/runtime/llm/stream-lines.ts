/**
 * Line-oriented readers of a streamed response body: Server-Sent Events (OpenAI, Anthropic,
 * Gemini, Mistral) and newline-delimited JSON (Ollama). Both stop on abort and refuse a line
 * longer than a bound, so a server that never sends a newline cannot fill memory.
 */
import { abortReason } from '../abort.ts';
import { RuntimeError } from '../errors.ts';

const MAX_LINE_CHARS = 1024 * 1024;

export interface SseEvent {
  event: string;
  data: string;
}

async function* lines(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  what: string,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  let buffer = '';
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        throw new RuntimeError(
          `${what}: the connection broke mid-stream (${(error as Error).message}).`,
          {
            retryable: true,
          },
        );
      }
      if (signal.aborted) throw abortReason(signal);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      // A trailing "\r" may be the first half of "\r\n": keep it for the next chunk.
      const held = buffer.endsWith('\r') ? '\r' : '';
      const complete = held ? buffer.slice(0, -1) : buffer;
      const parts = complete.split(/\r\n|\r|\n/);
      buffer = parts.pop()! + held;
      for (const line of parts) yield line;
      if (buffer.length > MAX_LINE_CHARS) {
        throw new RuntimeError(`${what}: the stream is malformed (a line longer than 1 MB).`);
      }
    }
    buffer += decoder.decode();
    for (const line of buffer.split(/\r\n|\r|\n/)) if (line) yield line;
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

/** Server-Sent Events: `event:` and `data:` fields, an event per blank line; comments skipped. */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  what: string,
): AsyncGenerator<SseEvent> {
  let event = '';
  let data: string[] = [];
  for await (const line of lines(body, signal, what)) {
    if (line === '') {
      if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
}

/** Newline-delimited JSON: one value per non-empty line. */
export async function* readNdjson(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  what: string,
): AsyncGenerator<unknown> {
  for await (const line of lines(body, signal, what)) {
    if (line.trim() === '') continue;
    yield parseStreamJson(line, what);
  }
}

export function parseStreamJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RuntimeError(
      `${what}: the stream is malformed (expected JSON, got ${JSON.stringify(text.slice(0, 80))}).`,
    );
  }
}
