import { closingLine, type TaskFamily } from '../family.ts';
import type { Rng } from '../rng.ts';
import { evaluateSteps, renderTokens, type Token } from './expression-steps.ts';

type Tree = number | { op: '+' | '-' | '*'; left: Tree; right: Tree };

const PRECEDENCE = { '+': 1, '-': 1, '*': 2 } as const;

function randomTree(rng: Rng, leaves: number, maxLeaf: number): Tree {
  if (leaves === 1) return rng.int(1, maxLeaf);
  const leftLeaves = rng.int(1, leaves - 1);
  return {
    op: rng.pick(['+', '-', '*'] as const),
    left: randomTree(rng, leftLeaves, maxLeaf),
    right: randomTree(rng, leaves - leftLeaves, maxLeaf),
  };
}

/** A child's tokens, in parentheses when precedence or left-to-right order requires them. */
function childTokens(parent: '+' | '-' | '*', child: Tree, isRight: boolean): Token[] {
  const tokens = toTokens(child);
  if (typeof child === 'number') return tokens;
  const p = PRECEDENCE[child.op];
  const q = PRECEDENCE[parent];
  const needs = p < q || (isRight && p === q && parent === '-');
  return needs ? ['(', ...tokens, ')'] : tokens;
}

/** Tokens with only the parentheses that precedence and left-to-right order require. */
function toTokens(tree: Tree): Token[] {
  if (typeof tree === 'number') return [tree];
  return [...childTokens(tree.op, tree.left, false), tree.op, ...childTokens(tree.op, tree.right, true)];
}

/** Numbers in the expression: level 1 three, level 2 four, level 3 five. */
const LEAVES = [3, 4, 5] as const;

/** Multi-step arithmetic expressions with parentheses, simplified one operation per line. */
export const exprFamily: TaskFamily = {
  name: 'expr',
  description: 'Arithmetic expressions with parentheses, simplified one operation at a time',
  levels: LEAVES.length,
  levelNotes: ['3 numbers, 2 operations', '4 numbers, 3 operations', '5 numbers, 4 operations'],
  answerKind: 'math',
  draw(rng, level) {
    const leaves = LEAVES[level - 1] ?? 3;
    for (;;) {
      const tokens = toTokens(randomTree(rng, leaves, level === 1 ? 12 : 20));
      if (!tokens.includes('(')) continue;
      const steps = evaluateSteps(tokens);
      // Keep every step a small mental calculation: no negatives, products of at most one 2-digit number.
      const easy = steps.every(
        (s) => s.result >= 0 && s.result <= 999 && (s.operator !== '*' || Math.min(s.left, s.right) <= 12),
      );
      if (!easy) continue;
      const text = renderTokens(tokens);
      return {
        canonical: `expr|${text}`,
        render() {
          const lines = ['Let me simplify step by step.'];
          steps.forEach((s, i) => {
            if (i === steps.length - 1) lines.push(`Finally, ${s.op}.`);
            else {
              const why = s.inParens
                ? 'Inside the parentheses'
                : s.operator === '*'
                  ? 'Multiplication first'
                  : 'Left to right';
              lines.push(`${why}, ${s.op}, which leaves ${renderTokens(s.after)}.`);
            }
          });
          const gold = String(steps[steps.length - 1]?.result);
          lines.push(closingLine(gold));
          return { prompt: `What is ${text}?`, reasoning: lines.join('\n'), gold };
        },
      };
    }
  },
};
