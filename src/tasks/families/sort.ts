import { closingLine, type TaskFamily } from '../family.ts';

/** [how many numbers, largest value] per level. */
const SHAPES = [
  [3, 99],
  [5, 999],
  [7, 9999],
] as const;

/** Sort numbers ascending by picking the smallest remaining number each time. */
export const sortFamily: TaskFamily = {
  name: 'sort',
  description: 'Sort numbers from smallest to largest, picking the smallest remaining each time',
  levels: SHAPES.length,
  levelNotes: ['3 numbers below 100', '5 numbers below 1000', '7 numbers below 10000'],
  answerKind: 'exact',
  draw(rng, level) {
    const [count, max] = SHAPES[level - 1] ?? SHAPES[0];
    const seen = new Set<number>();
    while (seen.size < count) seen.add(rng.int(1, max));
    const numbers = [...seen];
    const sorted = numbers.slice().sort((a, b) => a - b);
    return {
      canonical: `sort|${sorted.join(',')}`,
      render() {
        const lines = ['I will take the smallest number each time.'];
        const rest = numbers.slice();
        while (rest.length > 1) {
          const smallest = Math.min(...rest);
          lines.push(`From ${rest.join(', ')} the smallest is ${smallest}.`);
          rest.splice(rest.indexOf(smallest), 1);
        }
        lines.push(`Only ${rest[0]} is left.`);
        const gold = sorted.join(', ');
        lines.push(closingLine(gold));
        return {
          prompt: `Sort from smallest to largest: ${numbers.join(', ')}.`,
          reasoning: lines.join('\n'),
          gold,
        };
      },
    };
  },
};
