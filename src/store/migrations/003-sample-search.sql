-- Full-text search over each sample's prompt, thinking and answer (the Studio's trace search). An FTS5 index with
-- no copy of the text (content=''): the text stays in `samples`, the index maps words to samples.seq (its rowid).
-- Triggers keep it in step with inserts, deletes (also through ON DELETE CASCADE) and edits of problem/trace; a
-- contentless index forgets a row through the 'delete' command given the same values it indexed.
CREATE VIRTUAL TABLE samples_fts USING fts5(
  prompt, thinking, answer,
  content = '',
  tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO samples_fts (rowid, prompt, thinking, answer)
  SELECT seq, json_extract(problem, '$.prompt'), json_extract(trace, '$.reasoning'), json_extract(trace, '$.answer')
  FROM samples;

CREATE TRIGGER samples_fts_insert AFTER INSERT ON samples BEGIN
  INSERT INTO samples_fts (rowid, prompt, thinking, answer)
  VALUES (new.seq, json_extract(new.problem, '$.prompt'), json_extract(new.trace, '$.reasoning'),
          json_extract(new.trace, '$.answer'));
END;

CREATE TRIGGER samples_fts_delete AFTER DELETE ON samples BEGIN
  INSERT INTO samples_fts (samples_fts, rowid, prompt, thinking, answer)
  VALUES ('delete', old.seq, json_extract(old.problem, '$.prompt'), json_extract(old.trace, '$.reasoning'),
          json_extract(old.trace, '$.answer'));
END;

CREATE TRIGGER samples_fts_update AFTER UPDATE OF problem, trace ON samples BEGIN
  INSERT INTO samples_fts (samples_fts, rowid, prompt, thinking, answer)
  VALUES ('delete', old.seq, json_extract(old.problem, '$.prompt'), json_extract(old.trace, '$.reasoning'),
          json_extract(old.trace, '$.answer'));
  INSERT INTO samples_fts (rowid, prompt, thinking, answer)
  VALUES (new.seq, json_extract(new.problem, '$.prompt'), json_extract(new.trace, '$.reasoning'),
          json_extract(new.trace, '$.answer'));
END;
