import { closingLine, type TaskFamily } from '../family.ts';
import type { Rng } from '../rng.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
/** String length range per level. */
const LENGTHS = [
  [5, 7],
  [8, 11],
  [12, 16],
] as const;

/** A random lowercase string drawn from a few letters, so that letters repeat. */
export function randomLetters(rng: Rng, length: number, distinct: number): string {
  const letters = rng.sample(ALPHABET.split(''), distinct);
  let out = '';
  for (let i = 0; i < length; i++) out += rng.pick(letters);
  return out;
}

/** Count how often a letter occurs in a string, letter by letter with a running count. */
export const lettersFamily: TaskFamily = {
  name: 'letters',
  description: 'Count how many times a letter occurs in a string, letter by letter',
  levels: LENGTHS.length,
  levelNotes: ['5-7 letters', '8-11 letters', '12-16 letters'],
  answerKind: 'math',
  draw(rng, level) {
    const [lo, hi] = LENGTHS[level - 1] ?? LENGTHS[0];
    const word = randomLetters(rng, rng.int(lo, hi), rng.int(3, 6));
    const target = rng.chance(0.9) ? rng.pick(word.split('')) : rng.pick(ALPHABET.split(''));
    return {
      canonical: `letters|${target}|${word}`,
      render() {
        let count = 0;
        const spelled = word.split('').map((ch) => (ch === target ? `${ch} (${++count})` : ch));
        const lines = [
          `I need to count the letter ${target} in ${word}.`,
          `Going letter by letter: ${spelled.join(', ')}.`,
        ];
        if (count === 0) lines.push(`There is no ${target} at all.`);
        lines.push(closingLine(String(count)));
        return {
          prompt: `How many times does the letter "${target}" appear in "${word}"?`,
          reasoning: lines.join('\n'),
          gold: String(count),
        };
      },
    };
  },
};
