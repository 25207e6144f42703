/**
 * The embeddings of one knowledge base's chunks, kept normalized so a cosine similarity is a dot
 * product, and searched exhaustively (exact; a knowledge base in a browser holds thousands to a
 * few hundred thousand chunks, where a scan of contiguous floats is fast enough and needs no
 * approximate index to go stale). Serialized as base64 little-endian float32 per chunk.
 */
import { KnowledgeError } from './errors.ts';

export interface VectorHit {
  chunkId: string;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

export class VectorIndex {
  private readonly vectors = new Map<string, Float32Array>();
  private dimensions = 0;

  constructor(readonly model: string) {}

  get size(): number {
    return this.vectors.size;
  }

  has(chunkId: string): boolean {
    return this.vectors.has(chunkId);
  }

  set(chunkId: string, vector: Float32Array): void {
    if (this.dimensions === 0) this.dimensions = vector.length;
    if (vector.length !== this.dimensions) {
      throw new KnowledgeError(
        'embeddings-failed',
        `Embedding of ${vector.length} dimensions in a knowledge base of ${this.dimensions}; was the model changed?`,
      );
    }
    this.vectors.set(chunkId, normalized(vector));
  }

  deleteWhere(predicate: (chunkId: string) => boolean): void {
    for (const id of [...this.vectors.keys()]) if (predicate(id)) this.vectors.delete(id);
    if (this.vectors.size === 0) this.dimensions = 0;
  }

  search(query: Float32Array, limit: number): VectorHit[] {
    if (query.length !== this.dimensions) return [];
    const q = normalized(query);
    const hits: VectorHit[] = [];
    for (const [chunkId, vector] of this.vectors) {
      let dot = 0;
      for (let i = 0; i < q.length; i++) dot += q[i]! * vector[i]!;
      hits.push({ chunkId, similarity: dot });
    }
    hits.sort((a, b) => b.similarity - a.similarity);
    return hits.slice(0, limit);
  }

  toJSON(): string {
    const vectors: Record<string, string> = {};
    for (const [id, vector] of this.vectors) vectors[id] = encodeVector(vector);
    return JSON.stringify({ model: this.model, vectors });
  }

  static fromJSON(json: string): VectorIndex {
    try {
      const parsed = JSON.parse(json) as { model: string; vectors: Record<string, string> };
      const index = new VectorIndex(parsed.model);
      for (const [id, encoded] of Object.entries(parsed.vectors))
        index.set(id, decodeVector(encoded));
      return index;
    } catch (error) {
      throw new KnowledgeError(
        'corrupt-index',
        'The saved embeddings are damaged; they will be fetched again.',
        {
          cause: error,
        },
      );
    }
  }
}

function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  const out = new Float32Array(vector.length);
  if (norm > 0) for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

/** float32 little-endian, base64: 4 bytes a dimension instead of ~20 as JSON numbers. */
export function encodeVector(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function decodeVector(encoded: string): Float32Array {
  const binary = atob(encoded);
  if (binary.length % 4 !== 0) throw new Error('vector bytes are not whole float32 values');
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const vector = new Float32Array(binary.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}
