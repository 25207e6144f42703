/**
 * Keeps secret values out of everything a run writes: error messages, traces and the execution
 * record. A server that echoes a request (or an error that quotes a header) must not carry an
 * API key into a synced row, so every string is checked for the values resolved during the run,
 * also in their common encodings (base64, URL encoding, JSON escaping).
 */
import type { JsonValue } from './types.ts';

export const SECRET_PLACEHOLDER = '[secret]';

/** Shorter values are not scrubbed: replacing every "a" would make records unreadable. */
const MIN_SECRET_LENGTH = 4;

export class SecretScrubber {
  #needles: string[] = [];

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ]);
    try {
      forms.add(btoa(secret));
    } catch {
      // Not Latin-1: no base64 form to look for.
    }
    for (const form of forms) if (!this.#needles.includes(form)) this.#needles.push(form);
    // Longest first, so a form that contains another is replaced whole.
    this.#needles.sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.#needles.length === 0;
  }

  text(value: string): string {
    let result = value;
    for (const needle of this.#needles) {
      if (result.includes(needle)) result = result.split(needle).join(SECRET_PLACEHOLDER);
    }
    return result;
  }

  json<T extends JsonValue>(value: T): T {
    if (this.empty) return value;
    return this.#walk(value) as T;
  }

  #walk(value: JsonValue): JsonValue {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    const copy: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a key named "__proto__" stays a key instead of replacing the prototype.
      Object.defineProperty(copy, this.text(key), {
        value: this.#walk(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
}
