-- Training (src/train via `distill train`): one row per train run (kind `train` in `runs`) naming its output GGUF
-- and run folder, so readers (Studio) find `<run_dir>/metrics.jsonl` from the store alone, never from a request.
CREATE TABLE train_runs (
  run_id      TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  out_path    TEXT NOT NULL,
  run_dir     TEXT NOT NULL,
  steps       INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER,
  loss        REAL,
  eval_loss   REAL,
  wall_ms     INTEGER,
  updated_at  TEXT NOT NULL
) STRICT;
