import { closingLine, type TaskFamily } from '../family.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz'.split('');
/** String length range per level. */
const LENGTHS = [
  [4, 6],
  [7, 9],
  [10, 14],
] as const;

/** Reverse a string: spell it, then spell it from the end. */
export const reverseFamily: TaskFamily = {
  name: 'reverse',
  description: 'Reverse a string of letters: spell it, then read it from the end',
  levels: LENGTHS.length,
  levelNotes: ['4-6 letters', '7-9 letters', '10-14 letters'],
  answerKind: 'exact',
  draw(rng, level) {
    const [lo, hi] = LENGTHS[level - 1] ?? LENGTHS[0];
    const length = rng.int(lo, hi);
    let word = '';
    for (let i = 0; i < length; i++) word += rng.pick(ALPHABET);
    return {
      canonical: `reverse|${word}`,
      render() {
        const letters = word.split('');
        const reversed = letters.slice().reverse();
        const gold = reversed.join('');
        const reasoning = [
          `The letters of ${word} are ${letters.join(', ')}.`,
          `From the end they are ${reversed.join(', ')}.`,
          closingLine(gold),
        ].join('\n');
        return { prompt: `Reverse the letters of "${word}".`, reasoning, gold };
      },
    };
  },
};
