import { closeSync, openSync, readSync } from 'node:fs';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';

/** Architectures the PyTorch worker trains (trainer/distill_trainer/arch); kept equal by gguf-architecture.test.ts. */
export const TRAINABLE_ARCHS = ['llama', 'qwen2', 'qwen3', 'gemma3'] as const;

const SCALAR_BYTES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

/**
 * `general.architecture` of a GGUF, read from its first metadata entries (llama.cpp and gguf-py write it first),
 * without loading the model. Undefined when the file is not GGUF or the key is not among the first 64 entries.
 */
export function readGgufArchitecture(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    if (n < 24 || buf.toString('latin1', 0, 4) !== 'GGUF') return undefined;
    const kvCount = Number(buf.readBigUInt64LE(16));
    let at = 24;
    const str = (): string | undefined => {
      if (at + 8 > n) return undefined;
      const len = Number(buf.readBigUInt64LE(at));
      at += 8;
      if (at + len > n) return undefined;
      const s = buf.toString('utf8', at, at + len);
      at += len;
      return s;
    };
    for (let i = 0; i < Math.min(kvCount, 64); i++) {
      const key = str();
      if (key === undefined || at + 4 > n) return undefined;
      const type = buf.readUInt32LE(at);
      at += 4;
      if (type === 8) {
        const value = str();
        if (key === 'general.architecture') return value;
      } else if (SCALAR_BYTES[type] !== undefined) at += SCALAR_BYTES[type];
      else return undefined; // an array before the architecture: give up, the worker checks again
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Refuse a base whose architecture the worker cannot train, before any tokenising or training starts. */
export function checkTrainableBase(path: string): void {
  const arch = readGgufArchitecture(path);
  if (arch !== undefined && !(TRAINABLE_ARCHS as readonly string[]).includes(arch))
    throw new InvalidInputError(`cannot train a '${arch}' model: ${path}`, {
      code: 'E_UNSUPPORTED_ARCH',
      hint: `use a base model with one of: ${TRAINABLE_ARCHS.join(', ')}`,
    });
}
