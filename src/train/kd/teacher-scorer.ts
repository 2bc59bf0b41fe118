import { resolve } from 'node:path';
import { HttpTeacherScorer } from './http-teacher-scorer.ts';
import { LocalTeacherScorer } from './local-teacher-scorer.ts';

/** The teacher's top-K next-token log-probabilities at one position of a sequence (best first). */
export interface ScoredTop {
  /** Position in the sequence (1 … length−1): the token there given the tokens before it. */
  index: number;
  top: { token: number; logprob: number }[];
}

/** A teacher that scores token sequences for logit-level distillation: a local GGUF or an HTTP server. */
export interface TeacherScorer {
  /** What the scores are keyed by: the GGUF's SHA-256, or for an HTTP teacher the SHA-256 of its URL and model. */
  readonly sha256: string;
  /** For messages and the output's metadata (a path or a URI without credentials). */
  readonly label: string;
  /** Teacher-forced top-K for every position 1 … n−1 of every sequence, in input order. */
  score(sequences: number[][], topK: number, signal?: AbortSignal): Promise<ScoredTop[][]>;
  /** Throws an InvalidInputError (pointing at `--kd sft`) unless the student GGUF shares the teacher's tokenizer. */
  requireSameTokenizer(student: string, mode: string): Promise<void>;
  close(): Promise<void>;
}

/** Whether `--kd-teacher` names an OpenAI-compatible server rather than a GGUF file. */
export function isHttpTeacher(spec: string): boolean {
  return spec.startsWith('openai-compatible:');
}

/** `--kd-teacher`: `openai-compatible:http://HOST:PORT/v1#MODEL`, `gguf:PATH` or a GGUF path. */
export async function openTeacherScorer(
  spec: string,
  options: { threads?: number } = {},
): Promise<TeacherScorer> {
  if (isHttpTeacher(spec)) return HttpTeacherScorer.open(spec);
  const path = resolve(spec.startsWith('gguf:') ? spec.slice(5) : spec);
  return LocalTeacherScorer.open(path, options);
}
