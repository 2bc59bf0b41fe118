/** `<<16-3-4=9>>` calculator annotations in GSM8K solutions. */
const ANNOTATION = /<<[^<>]*>>/g;

/** Whether a solution text ends with a GSM8K `#### answer` line. */
export function isGsm8kSolution(text: string): boolean {
  return /(^|\n)####\s*\S/.test(text);
}

/**
 * Split a GSM8K solution into reference reasoning (calculator annotations stripped, ending with
 * `So the answer is X.`) and the gold answer (the text after `####`, thousands separators removed).
 */
export function parseGsm8kSolution(text: string): { reasoning: string; gold: string } {
  const at = text.lastIndexOf('####');
  const rawGold = text.slice(at + 4).trim();
  const gold = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(rawGold) ? rawGold.replace(/,/g, '') : rawGold;
  const steps = text
    .slice(0, at)
    .replace(ANNOTATION, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return { reasoning: [...steps, `So the answer is ${gold}.`].join('\n'), gold };
}
