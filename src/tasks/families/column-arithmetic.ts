/** Digit `i` (0 = units) of a non-negative integer. */
export function digitAt(n: number, i: number): number {
  return Math.floor(n / 10 ** i) % 10;
}

/** Number of decimal digits of a non-negative integer (0 has one). */
export function digitCount(n: number): number {
  return n === 0 ? 1 : Math.floor(Math.log10(n)) + 1;
}

/**
 * Column addition of two non-negative integers, one line per column from the right:
 * `4 + 8 + 1 = 13, write 3, carry 1, so far 36.` Missing digits are 0; a final carry is brought to the front.
 */
export function columnAddLines(a: number, b: number): string[] {
  const width = Math.max(digitCount(a), digitCount(b));
  const lines: string[] = [];
  let carry = 0;
  let soFar = '';
  for (let i = 0; i < width; i++) {
    const x = digitAt(a, i);
    const y = digitAt(b, i);
    const sum = x + y + carry;
    const lhs = i === 0 || carry === 0 ? `${x} + ${y}` : `${x} + ${y} + ${carry}`;
    carry = sum >= 10 ? 1 : 0;
    soFar = `${sum % 10}${soFar}`;
    lines.push(`${lhs} = ${sum}, write ${sum % 10}, carry ${carry}, so far ${soFar}.`);
  }
  if (carry > 0) lines.push(`The carry ${carry} goes in front, so far ${carry}${soFar}.`);
  return lines;
}

/**
 * Column subtraction `a - b` with a ≥ b ≥ 0, one line per column from the right, borrowing when needed:
 * `1 - 1 - 8 is negative, so borrow: 11 - 1 - 8 = 2, write 2, borrow 1, so far 25.`
 * Ends with a line that drops leading zeros when there are any.
 */
export function columnSubtractLines(a: number, b: number): string[] {
  const width = digitCount(a);
  const lines: string[] = [];
  let borrow = 0;
  let soFar = '';
  for (let i = 0; i < width; i++) {
    const x = digitAt(a, i);
    const y = digitAt(b, i);
    const lhs = borrow === 0 ? `${x} - ${y}` : `${x} - ${borrow} - ${y}`;
    const diff = x - borrow - y;
    if (diff < 0) {
      const big = borrow === 0 ? `${x + 10} - ${y}` : `${x + 10} - ${borrow} - ${y}`;
      soFar = `${diff + 10}${soFar}`;
      lines.push(
        `${lhs} is negative, so borrow: ${big} = ${diff + 10}, write ${diff + 10}, borrow 1, so far ${soFar}.`,
      );
      borrow = 1;
    } else {
      soFar = `${diff}${soFar}`;
      lines.push(`${lhs} = ${diff}, write ${diff}, borrow 0, so far ${soFar}.`);
      borrow = 0;
    }
  }
  const trimmed = soFar.replace(/^0+(?=\d)/, '');
  if (trimmed !== soFar) lines.push(`Without the leading zeros that is ${trimmed}.`);
  return lines;
}
