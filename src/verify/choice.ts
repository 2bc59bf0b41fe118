import { lastBoxed } from './boxed.ts';
import { plainText } from './normalize.ts';

const LETTERS = 'A-J';
const patterns = [
  new RegExp(
    `(?:final\\s+answer|answer)\\s*(?:is|:)?\\s*:?\\s*\\**\\s*\\(?([${LETTERS}])\\)?(?![A-Za-z])`,
    'gi',
  ),
  new RegExp(`\\(([${LETTERS}])\\)`, 'g'),
  new RegExp(`(?:^|\\s)([${LETTERS}])[.):]?\\s*$`, 'g'),
];

/** The letter of a multiple-choice answer: `\boxed{B}`, `\text{(C)}`, "answer is (D)", a lone `E`; upper-case. */
export function extractChoice(text: string): string | null {
  const boxed = lastBoxed(text);
  const direct = plainText(boxed ?? text).replace(/[()\s.]/g, '');
  if (new RegExp(`^[${LETTERS}]$`, 'i').test(direct)) return direct.toUpperCase();
  for (const re of patterns) {
    re.lastIndex = 0;
    let last: string | undefined;
    for (let m = re.exec(text); m; m = re.exec(text)) last = m[1];
    if (last) return last.toUpperCase();
  }
  return null;
}
