-- Evaluation reports and the per-sample outcomes they were computed from (so accuracy can be recounted).

CREATE TABLE eval_reports (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  report      TEXT NOT NULL CHECK (json_valid(report)),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE eval_samples (
  report_id   TEXT NOT NULL REFERENCES eval_reports(id) ON DELETE CASCADE,
  problem_id  TEXT NOT NULL,
  sample_idx  INTEGER NOT NULL,
  budget      INTEGER NOT NULL DEFAULT -1,
  family      TEXT NOT NULL,
  correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
  extracted   TEXT,
  finish_reason TEXT NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  answer_tokens    INTEGER NOT NULL,
  ttft_ms     REAL,
  reasoning   TEXT NOT NULL,
  answer      TEXT NOT NULL,
  PRIMARY KEY (report_id, budget, problem_id, sample_idx)
) STRICT;
