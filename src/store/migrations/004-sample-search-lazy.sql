-- Faster sample inserts (issue 18: the generate engine's writes).
--
-- 1. The search index is brought up to date in bulk instead of by a trigger per inserted row: `indexed_through`
--    is the highest samples.seq the index covers. Every sample with seq <= indexed_through is indexed, none above
--    it is. Writers index the rows above it with one INSERT ... SELECT (src/store/search-index.ts: at the end and
--    start of every generate run, after `Store.insertSamples`); readers that find rows above it (a run still
--    going, or one that crashed) index them into a private TEMP index first, so a search always sees every row.
-- 2. `samples_content` goes: no query reads it, and a random-keyed index costs about one page write per insert.
DROP INDEX samples_content;

CREATE TABLE sample_search_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_through INTEGER NOT NULL
) STRICT;

-- Migration 003's trigger indexed every row so far.
INSERT INTO sample_search_state (id, indexed_through) SELECT 1, coalesce(max(seq), 0) FROM samples;

DROP TRIGGER samples_fts_insert;
DROP TRIGGER samples_fts_delete;
DROP TRIGGER samples_fts_update;

-- A deleted row leaves the index only if it was in it. seq is a plain INTEGER PRIMARY KEY, so a new row takes
-- max(seq) + 1: after the highest rows are deleted, `indexed_through` drops to the highest remaining seq, so a
-- new row can never take a seq the index claims to cover.
CREATE TRIGGER samples_fts_delete AFTER DELETE ON samples BEGIN
  INSERT INTO samples_fts (samples_fts, rowid, prompt, thinking, answer)
    SELECT 'delete', old.seq, json_extract(old.problem, '$.prompt'), json_extract(old.trace, '$.reasoning'),
           json_extract(old.trace, '$.answer')
    WHERE old.seq <= (SELECT indexed_through FROM sample_search_state);
  UPDATE sample_search_state SET indexed_through = coalesce((SELECT max(seq) FROM samples), 0)
    WHERE indexed_through > coalesce((SELECT max(seq) FROM samples), 0);
END;

-- An edited row is reindexed if it was indexed (one above `indexed_through` is indexed with its new text later).
CREATE TRIGGER samples_fts_update AFTER UPDATE OF problem, trace ON samples
  WHEN old.seq <= (SELECT indexed_through FROM sample_search_state)
BEGIN
  INSERT INTO samples_fts (samples_fts, rowid, prompt, thinking, answer)
  VALUES ('delete', old.seq, json_extract(old.problem, '$.prompt'), json_extract(old.trace, '$.reasoning'),
          json_extract(old.trace, '$.answer'));
  INSERT INTO samples_fts (rowid, prompt, thinking, answer)
  VALUES (new.seq, json_extract(new.problem, '$.prompt'), json_extract(new.trace, '$.reasoning'),
          json_extract(new.trace, '$.answer'));
END;
