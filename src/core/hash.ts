import { createHash } from 'node:crypto';

/** Hex SHA-256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A short, deterministic id from parts (first 16 hex chars of their SHA-256). */
export function stableId(...parts: Array<string | number>): string {
  return sha256(parts.map(String).join('\u0000')).slice(0, 16);
}
