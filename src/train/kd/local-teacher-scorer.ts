import { existsSync } from 'node:fs';
import { NotFoundError } from '../../core/errors/not-found-error.ts';
import { fileSha256 } from '../../core/hash.ts';
import { NativeModel } from '../../runtime/native-model.ts';
import { scoreSequences } from '../../runtime/score.ts';
import type { ScoredTop, TeacherScorer } from './teacher-scorer.ts';
import { requireSameVocab } from './vocab-hash.ts';

/** A local GGUF teacher, scored through the runtime (`scoreSequences`: shared llama_decode batches). */
export class LocalTeacherScorer implements TeacherScorer {
  readonly sha256: string;
  readonly label: string;
  private model: NativeModel | undefined;
  private readonly threads: number;

  private constructor(path: string, sha256: string, threads: number) {
    this.label = path;
    this.sha256 = sha256;
    this.threads = threads;
  }

  static async open(path: string, options: { threads?: number } = {}): Promise<LocalTeacherScorer> {
    if (!existsSync(path))
      throw new NotFoundError('model', `no such teacher model: ${path}`, {
        hint: 'pass --kd-teacher MODEL.gguf (a local GGUF with the student’s tokenizer) or openai-compatible:URL#MODEL',
      });
    return new LocalTeacherScorer(path, await fileSha256(path), options.threads ?? 1);
  }

  /**
   * One sequence per scoring call: llama.cpp's CPU kernels round differently once a decode batch reaches 64
   * tokens (measured: up to 0.37 nats on the shipped teacher), so a sequence scored beside others would get numbers
   * that depend on its neighbours. Alone, its scores depend on its tokens only — what the store cache keys on, and
   * exactly what a server scoring one prompt per request returns.
   */
  async score(sequences: number[][], topK: number): Promise<ScoredTop[][]> {
    this.model ??= NativeModel.load(this.label);
    const out: ScoredTop[][] = [];
    for (const seq of sequences) {
      const [scored = []] = await scoreSequences(this.model, [seq], { topK, threads: this.threads });
      out.push(scored);
    }
    return out;
  }

  async requireSameTokenizer(student: string, mode: string): Promise<void> {
    requireSameVocab(student, this.label, mode);
  }

  async close(): Promise<void> {
    this.model?.free();
    this.model = undefined;
  }
}
