/**
 * Embeddings from a provider's OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure OpenAI's
 * compatible route, Ollama, LM Studio, vLLM, LiteLLM all speak it): POST `{ model, input: [...] }`,
 * answer `{ data: [{ index, embedding: number[] }] }`. The API key comes from the vault at call
 * time and is never stored here. A network failure is `embeddings-unreachable` (search falls
 * back to BM25 and says so); a refusal by the provider is `embeddings-failed`.
 */
import { KnowledgeError } from './errors.ts';

export interface EmbeddingProvider {
  /** One vector per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface OpenAiEmbeddingsOptions {
  /** e.g. "https://api.openai.com/v1"; "/embeddings" is appended. */
  baseUrl: string;
  model: string;
  /** Resolved from the vault for each call; null for local servers without keys. */
  apiKey: () => Promise<string | null>;
  fetch?: typeof fetch;
  /** Texts per request; providers cap it (OpenAI: 2048). */
  batchSize?: number;
}

/** Largest answer read from a provider (bounded memory whatever the server sends). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class OpenAiCompatibleEmbeddings implements EmbeddingProvider {
  private readonly fetch: typeof fetch;
  private readonly batchSize: number;

  constructor(private readonly options: OpenAiEmbeddingsOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 128, 2048));
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(i, i + this.batchSize), signal)));
    }
    return vectors;
  }

  private async embedBatch(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    const key = await this.options.apiKey();
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ model: this.options.model, input }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw new KnowledgeError('cancelled', 'Cancelled: nothing was changed.');
      throw new KnowledgeError(
        'embeddings-unreachable',
        `The embedding provider could not be reached (${error instanceof Error ? error.message : String(error)}).`,
        { cause: error },
      );
    }
    const body = await readBounded(response);
    if (!response.ok) {
      throw new KnowledgeError(
        'embeddings-failed',
        `The embedding provider refused the request (HTTP ${response.status}): ${providerMessage(body)}`,
      );
    }
    return parseEmbeddings(body, input.length);
  }
}

async function readBounded(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) {
    throw new KnowledgeError(
      'embeddings-failed',
      'The embedding provider sent an answer too large to read.',
    );
  }
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) {
    throw new KnowledgeError(
      'embeddings-failed',
      'The embedding provider sent an answer too large to read.',
    );
  }
  return text;
}

function providerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (typeof message === 'string') return message.slice(0, 500);
  } catch {
    // Not JSON: show the start of the body.
  }
  return body.slice(0, 200) || '(no message)';
}

function parseEmbeddings(body: string, expected: number): Float32Array[] {
  let parsed: { data?: Array<{ index?: unknown; embedding?: unknown }> };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new KnowledgeError(
      'embeddings-failed',
      'The embedding provider sent an answer that is not JSON.',
    );
  }
  const data = Array.isArray(parsed.data) ? parsed.data : [];
  if (data.length !== expected) {
    throw new KnowledgeError(
      'embeddings-failed',
      `The embedding provider sent ${data.length} embeddings for ${expected} texts.`,
    );
  }
  const vectors: Float32Array[] = new Array(expected);
  data.forEach((item, position) => {
    const index = typeof item.index === 'number' ? item.index : position;
    const embedding = item.embedding;
    if (
      !Number.isInteger(index) ||
      index < 0 ||
      index >= expected ||
      !Array.isArray(embedding) ||
      embedding.length === 0 ||
      !embedding.every((value) => typeof value === 'number' && Number.isFinite(value))
    ) {
      throw new KnowledgeError(
        'embeddings-failed',
        'The embedding provider sent a malformed embedding.',
      );
    }
    vectors[index] = Float32Array.from(embedding as number[]);
  });
  return vectors;
}

/** Cosine similarity of two vectors of the same length (0 when either is all zeros). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
