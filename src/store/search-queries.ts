import type Database from 'better-sqlite3';
import { prepared } from './statements.ts';

/** Words of a search text as the index splits them (letters and digits; everything else separates). */
const WORD = /[\p{L}\p{N}]+/gu;
/** Words of one query used at most (the rest are ignored). */
export const MAX_SEARCH_WORDS = 16;

/**
 * The FTS5 MATCH expression for a search box's text: every word must occur in the prompt, thinking or answer, as a
 * word or the beginning of one (`twel` finds "twelve"), case- and accent-insensitively. Null when the text has no
 * word at all (only punctuation): such a search matches nothing. Each word is quoted, so FTS5 syntax in the text
 * (`OR`, `NEAR`, `*`, `"`) is taken literally.
 */
export function sampleSearchMatch(text: string): string | null {
  const words = searchWords(text);
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

/** The words of a search text that {@link sampleSearchMatch} looks for (at most {@link MAX_SEARCH_WORDS}). */
export function searchWords(text: string): string[] {
  return (text.match(WORD) ?? []).slice(0, MAX_SEARCH_WORDS);
}

/** True when the store has the search index (migration 003; a read-only store older than it lacks it). */
export function hasSampleSearch(db: Database.Database): boolean {
  return (
    prepared(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples_fts'").get() !==
    undefined
  );
}
