/** Names with their pronouns for templated word problems. */
export const PEOPLE = [
  ['Mia', 'she', 'her'],
  ['Sam', 'he', 'him'],
  ['Lena', 'she', 'her'],
  ['Omar', 'he', 'him'],
  ['Ava', 'she', 'her'],
  ['Noah', 'he', 'him'],
  ['Zoe', 'she', 'her'],
  ['Leo', 'he', 'him'],
  ['Nina', 'she', 'her'],
  ['Ben', 'he', 'him'],
  ['Ella', 'she', 'her'],
  ['Max', 'he', 'him'],
  ['Ivy', 'she', 'her'],
  ['Tom', 'he', 'him'],
  ['Rosa', 'she', 'her'],
  ['Jack', 'he', 'him'],
] as const;

/** Countable things, plural. */
export const ITEMS = [
  'apples',
  'marbles',
  'stickers',
  'cookies',
  'pencils',
  'cards',
  'stamps',
  'shells',
  'beads',
  'books',
] as const;

export const CONTAINERS = ['bags', 'boxes', 'packs'] as const;

export type Person = (typeof PEOPLE)[number];

/** Capitalise the first letter. */
export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
