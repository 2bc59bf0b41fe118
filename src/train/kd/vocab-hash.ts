import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';
import { NativeModel } from '../../runtime/native-model.ts';

/**
 * SHA-256 over a GGUF's vocabulary: its size and every token's bytes, in id order. (A full load: the runtime's
 * vocab-only load aborts inside llama.cpp while reading the model's hyperparameters.)
 */
export function vocabHash(path: string): { sha256: string; size: number } {
  const model = NativeModel.load(path);
  try {
    const hash = createHash('sha256');
    const n = Buffer.alloc(4);
    n.writeUInt32LE(model.nVocab);
    hash.update(n);
    for (let t = 0; t < model.nVocab; t++) {
      const piece = model.pieceBytes(t);
      n.writeUInt32LE(piece.length);
      hash.update(n);
      hash.update(piece);
    }
    return { sha256: hash.digest('hex'), size: model.nVocab };
  } finally {
    model.free();
  }
}

/**
 * Logit-level distillation compares distributions token id by token id, so the student and the teacher must share
 * one vocabulary. One clear input error otherwise.
 */
export function requireSameVocab(student: string, teacher: string, mode: string): void {
  const s = vocabHash(student);
  const t = vocabHash(teacher);
  if (s.sha256 !== t.sha256)
    throw new InvalidInputError(
      `--kd ${mode} needs the student and the teacher to share a tokenizer, but their vocabularies differ ` +
        `(student ${s.size} tokens, ${s.sha256.slice(0, 12)}; teacher ${t.size} tokens, ${t.sha256.slice(0, 12)})`,
      {
        field: 'kd-teacher',
        hint: 'use --kd sft across tokenizers (train on the teacher’s text), or a student with the teacher’s tokenizer',
      },
    );
}
