/** Byte encodings the vault stores as text: base64 for binary, UTF-8 for strings. */

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so that large ciphertexts don't overflow the argument limit of fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}

export function fromUtf8(bytes: ArrayBuffer | Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** Best effort: raw key bytes should not linger in memory longer than needed. */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}

export const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
