/** Lowercase and collapse every run of whitespace to one space (the decontamination normal form). */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Words of already-normalised text (split on single spaces). */
export function words(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}

/** Word n-grams joined by a space. A text shorter than `n` words yields no n-grams. */
export function wordNgrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/** The numbers a text mentions, in order, joined by `|` (near-duplicate guard: different numbers = different problem). */
export function numberKey(text: string): string {
  return (text.match(/\d+(?:\.\d+)?/g) ?? []).join('|');
}

/** 32-bit FNV-1a hash of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
