import type { CodeSpecInput } from '../core/code-spec.ts';
import type { Rng } from './rng.ts';

/** A built-in problem fully rendered: what the user sees, the reference thinking and the checkable answer. */
export interface RenderedProblem {
  prompt: string;
  /** Step-by-step reference thinking, one step per line, ending with `So the answer is X.` */
  reasoning: string;
  /** The gold answer as plain text (what goes inside `\boxed{}`); for code problems, the reference program. */
  gold: string;
  /** The reference final answer, when it is not `The answer is \boxed{gold}.` (code: a fenced program). */
  answer?: string;
  /** Code problems: the tests the reply's program must pass (the problem then has no gold answer). */
  code?: CodeSpecInput;
}

/**
 * One drawn problem before rendering. `canonical` is its content without surface details (names, operand
 * order where it does not matter); it decides split membership and de-duplication. Rendering is deferred so
 * that candidates rejected for the other split cost little.
 */
export interface DrawnProblem {
  canonical: string;
  render(): RenderedProblem;
}

/** A seeded, deterministic generator of one kind of reasoning problem. */
export interface TaskFamily {
  /** Short lowercase name used in task specs, e.g. `add`. */
  name: string;
  description: string;
  /** Difficulty levels are 1..levels. */
  levels: number;
  /** What each level means, one short phrase per level. */
  levelNotes: readonly string[];
  /** How the verifier should compare answers. */
  answerKind: 'math' | 'exact';
  /** Draw one problem at `level` using only `rng` for randomness. */
  draw(rng: Rng, level: number): DrawnProblem;
}

/** The final answer text every built-in reference uses. */
export function answerText(gold: string): string {
  return `The answer is \\boxed{${gold}}.`;
}

/** The closing line every built-in reasoning ends with. */
export function closingLine(gold: string): string {
  return `So the answer is ${gold}.`;
}
