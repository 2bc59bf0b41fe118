import type Database from 'better-sqlite3';
import { prepared, writeTransaction } from './statements.ts';

/**
 * The sample search index (`samples_fts`) is filled in bulk, not by a trigger per inserted row (migration 004):
 * `sample_search_state.indexed_through` is the highest `samples.seq` it covers. Writers call
 * {@link indexNewSamples}; a search on a connection that cannot (or need not) write covers the rest with
 * {@link sampleSearchFilter}'s private TEMP index.
 */

/** Rows indexed per transaction, so a long catch-up never holds the write lock for long. */
const CHUNK = 5000;

const COLUMNS = `json_extract(problem, '$.prompt'), json_extract(trace, '$.reasoning'), json_extract(trace, '$.answer')`;

/** True when the store fills its search index in bulk (migration 004; older stores index by trigger). */
export function hasLazySearchIndex(db: Database.Database): boolean {
  return (
    prepared(
      db,
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sample_search_state'",
    ).get() !== undefined
  );
}

/** The highest seq the search index covers, and the highest seq stored. */
function searchState(db: Database.Database): { through: number; last: number } {
  return prepared<[], { through: number; last: number }>(
    db,
    'SELECT (SELECT indexed_through FROM sample_search_state) AS through, coalesce((SELECT max(seq) FROM samples), 0) AS last',
  ).get()!;
}

/**
 * Index every sample the search index does not cover yet (one INSERT ... SELECT per {@link CHUNK} rows, each in
 * its own write transaction). Idempotent and safe to run from any writer at any time, also while another process
 * inserts. Returns how many rows were indexed.
 */
export function indexNewSamples(db: Database.Database): number {
  if (!hasLazySearchIndex(db)) return 0;
  let indexed = 0;
  for (;;) {
    const n = writeTransaction(db, () => {
      const { through } = searchState(db);
      const upTo = prepared<[number, number], number>(
        db,
        'SELECT max(seq) FROM (SELECT seq FROM samples WHERE seq > ? ORDER BY seq LIMIT ?)',
      )
        .pluck()
        .get(through, CHUNK);
      if (upTo === null || upTo === undefined) return 0;
      const added = prepared(
        db,
        `INSERT INTO samples_fts (rowid, prompt, thinking, answer)
         SELECT seq, ${COLUMNS} FROM samples WHERE seq > ? AND seq <= ? ORDER BY seq`,
      ).run(through, upTo).changes;
      prepared(db, 'UPDATE sample_search_state SET indexed_through = ?').run(upTo);
      return added;
    });
    indexed += n;
    if (n < CHUNK) return indexed;
  }
}

/** What a connection's TEMP index holds: rows with seq in (from, through]. */
interface TailIndex {
  from: number;
  through: number;
}

const tails = new WeakMap<Database.Database, TailIndex | 'unavailable'>();

/**
 * Index rows above `through` into this connection's TEMP index (`temp.samples_fts_tail`, same tokenizer), reusing
 * what it already holds. False when the connection cannot make TEMP tables (a store read into memory from a
 * read-only folder).
 */
function refreshTail(db: Database.Database, through: number, last: number): boolean {
  let tail = tails.get(db);
  if (tail === 'unavailable') return false;
  // Rebuilt when the store's index moved (a writer caught up) or rows were deleted from the top (a seq reused).
  if (!tail || tail.from !== through || tail.through > last) {
    try {
      db.exec(`DROP TABLE IF EXISTS temp.samples_fts_tail;
        CREATE VIRTUAL TABLE temp.samples_fts_tail USING fts5(prompt, thinking, answer, content = '',
          tokenize = 'unicode61 remove_diacritics 2')`);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CANTOPEN') throw error;
      tails.set(db, 'unavailable');
      return false;
    }
    tail = { from: through, through };
    tails.set(db, tail);
  }
  if (tail.through < last) {
    prepared(
      db,
      `INSERT INTO temp.samples_fts_tail (rowid, prompt, thinking, answer)
       SELECT seq, ${COLUMNS} FROM samples WHERE seq > ? AND seq <= ?`,
    ).run(tail.through, last);
    tail.through = last;
  }
  return true;
}

/**
 * The SQL condition (on `samples` aliased `alias`) and parameters for "matches the FTS5 expression `match`"
 * (see `sampleSearchMatch`), over every stored sample: the store's index, plus the rows it does not cover yet.
 * Those are indexed into a TEMP index of this connection (nothing is written to the store, so read-only
 * connections work); where TEMP tables cannot be made, they are scanned with a case-insensitive substring match
 * of each word instead.
 */
export function sampleSearchFilter(
  db: Database.Database,
  alias: string,
  match: string,
  words: readonly string[],
): { sql: string; params: unknown[] } {
  const indexed = `${alias}.seq IN (SELECT rowid FROM samples_fts WHERE samples_fts MATCH ?)`;
  if (!hasLazySearchIndex(db)) return { sql: indexed, params: [match] };
  const { through, last } = searchState(db);
  if (last <= through) return { sql: indexed, params: [match] };
  if (refreshTail(db, through, last)) {
    return {
      sql: `(${indexed} OR ${alias}.seq IN (SELECT rowid FROM temp.samples_fts_tail WHERE samples_fts_tail MATCH ?))`,
      params: [match, match],
    };
  }
  const text = `lower(coalesce(json_extract(${alias}.problem, '$.prompt'), '') || ' ' || coalesce(json_extract(${alias}.trace, '$.reasoning'), '') || ' ' || coalesce(json_extract(${alias}.trace, '$.answer'), ''))`;
  const scan = words.map(() => `instr(${text}, lower(?)) > 0`).join(' AND ');
  return {
    sql: `(${indexed} OR (${alias}.seq > ? AND ${scan}))`,
    params: [match, through, ...words],
  };
}
