-- Core schema: runs, samples (problem + trace + provenance + verdict), filter results, failures.
-- JSON columns hold the zod-validated records of src/core; generated columns expose the fields queries filter on.

CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL,
  status      TEXT NOT NULL,
  config      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
  summary     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  finished_at TEXT
) STRICT;

CREATE TABLE samples (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  problem_id  TEXT NOT NULL,
  sample_idx  INTEGER NOT NULL,
  problem     TEXT NOT NULL CHECK (json_valid(problem)),
  trace       TEXT NOT NULL CHECK (json_valid(trace)),
  provenance  TEXT NOT NULL CHECK (json_valid(provenance)),
  content_sha256 TEXT NOT NULL,
  verdict     TEXT CHECK (verdict IS NULL OR json_valid(verdict)),
  created_at  TEXT NOT NULL,
  correct          INTEGER GENERATED ALWAYS AS (json_extract(verdict, '$.correct')) STORED,
  finish_reason    TEXT GENERATED ALWAYS AS (json_extract(trace, '$.finishReason')) STORED,
  input_tokens     INTEGER GENERATED ALWAYS AS (json_extract(trace, '$.usage.input')) STORED,
  reasoning_tokens INTEGER GENERATED ALWAYS AS (json_extract(trace, '$.usage.reasoning')) STORED,
  output_tokens    INTEGER GENERATED ALWAYS AS (json_extract(trace, '$.usage.output')) STORED,
  train_policy     TEXT GENERATED ALWAYS AS (json_extract(provenance, '$.usePolicy.train')) STORED,
  UNIQUE (run_id, problem_id, sample_idx)
) STRICT;

CREATE INDEX samples_run ON samples (run_id, seq);
CREATE INDEX samples_content ON samples (content_sha256);

CREATE TABLE filter_results (
  sample_id  TEXT NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  version    TEXT NOT NULL,
  params     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
  matches    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(matches)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (sample_id, name)
) STRICT;

CREATE INDEX filter_results_name ON filter_results (name, passed);

CREATE TABLE failures (
  id          INTEGER PRIMARY KEY,
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  request_key TEXT NOT NULL,
  kind        TEXT NOT NULL,
  message     TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('retried', 'gave-up')),
  http_status INTEGER,
  detail      TEXT CHECK (detail IS NULL OR json_valid(detail)),
  at          TEXT NOT NULL
) STRICT;

CREATE INDEX failures_run ON failures (run_id, kind);
CREATE INDEX failures_key ON failures (run_id, request_key);
