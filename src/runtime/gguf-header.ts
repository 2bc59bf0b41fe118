import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelError } from '../core/errors/model-error.ts';
import { NotFoundError } from '../core/errors/not-found-error.ts';

export interface GgufHeader {
  path: string;
  version: number;
  tensorCount: number;
  kvCount: number;
  fileBytes: number;
}

/**
 * Check that `path` is a readable GGUF file before llama.cpp sees it: magic `GGUF`, a supported version (2 or 3)
 * and sane counts. llama.cpp handles most corrupt files, but a clear error here beats a cryptic one there.
 */
export function readGgufHeader(path: string): GgufHeader {
  const full = resolve(path);
  let size: number;
  try {
    const st = statSync(full);
    if (!st.isFile())
      throw new ModelError(`${path} is not a file`, { hint: 'pass the path of a .gguf model file' });
    size = st.size;
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new NotFoundError('model', `model file not found: ${path}`, {
      hint: 'check the path (a .gguf file, e.g. from `distill train`)',
    });
  }
  const notGguf = (why: string) =>
    new ModelError(`${path} is not a valid GGUF model (${why})`, {
      hint: 'pass a .gguf file written by `distill train`, `distill quantize` or llama.cpp; re-download or re-export it if it is damaged',
    });
  if (size < 24) throw notGguf(`only ${size} bytes`);
  const buf = Buffer.alloc(24);
  const fd = openSync(full, 'r');
  try {
    readSync(fd, buf, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.toString('latin1', 0, 4) !== 'GGUF') throw notGguf('bad magic bytes');
  const version = buf.readUInt32LE(4);
  if (version !== 2 && version !== 3) throw notGguf(`unsupported GGUF version ${version}`);
  const tensorCount = buf.readBigUInt64LE(8);
  const kvCount = buf.readBigUInt64LE(16);
  // Every tensor info and key/value pair takes at least 8 bytes in the file.
  if (tensorCount * 8n + kvCount * 8n > BigInt(size)) throw notGguf('header counts exceed the file size');
  return { path: full, version, tensorCount: Number(tensorCount), kvCount: Number(kvCount), fileBytes: size };
}
