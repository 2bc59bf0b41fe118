/**
 * GSM8K's final-answer mark: a solution ends with a line `#### 18`. The one reader of that mark, shared by the
 * tasks layer (gold and reference reasoning of dataset rows) and the verify layer (a gold given as a solution).
 */
export interface Gsm8kAnswer {
  /** Everything before the last `####`. */
  before: string;
  /** The text after it on the same line, trimmed; a number's thousands separators removed (`1,006` → `1006`). */
  answer: string;
}

/** The last `####` (none after it on its line), followed by an answer that ends the text. */
const MARK = /####(?![^\n]*####)[ \t]*(\S[^\n]*?)\s*$/;
const THOUSANDS = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** Split a text ending with a GSM8K `#### answer` line; null when its last non-empty line carries no `####`. */
export function splitGsm8kAnswer(text: string): Gsm8kAnswer | null {
  const m = MARK.exec(text);
  if (!m?.[1]) return null;
  const raw = m[1].trim();
  return { before: text.slice(0, m.index), answer: THOUSANDS.test(raw) ? raw.replace(/,/g, '') : raw };
}
