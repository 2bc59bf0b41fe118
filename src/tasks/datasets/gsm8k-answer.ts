import { splitGsm8kAnswer } from '../../core/gsm8k-answer.ts';

/** `<<16-3-4=9>>` calculator annotations in GSM8K solutions. */
const ANNOTATION = /<<[^<>]*>>/g;

/** Whether a solution text ends with a GSM8K `#### answer` line. */
export function isGsm8kSolution(text: string): boolean {
  return splitGsm8kAnswer(text) !== null;
}

/**
 * Split a GSM8K solution into reference reasoning (calculator annotations stripped, ending with
 * `So the answer is X.`) and the gold answer (the text after `####`, thousands separators removed).
 * A text without a `####` line is all gold and has no reasoning steps.
 */
export function parseGsm8kSolution(text: string): { reasoning: string; gold: string } {
  const { before, answer: gold } = splitGsm8kAnswer(text) ?? { before: '', answer: text.trim() };
  const steps = before
    .replace(ANNOTATION, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return { reasoning: [...steps, `So the answer is ${gold}.`].join('\n'), gold };
}
