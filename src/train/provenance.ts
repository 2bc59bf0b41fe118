import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex SHA-256 over the bytes of `files`, in order (one file: that file's SHA-256). */
export async function filesSha256(files: string[], signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for (const file of files) {
    for await (const chunk of createReadStream(file, signal ? { signal } : {})) h.update(chunk as Buffer);
  }
  return h.digest('hex');
}
