-- Curation (src/curate): the latest curation of a run and its per-sample keep/drop decisions.
-- Re-curating a run replaces both, so curation is idempotent; export reads the kept samples from here.

CREATE TABLE curations (
  run_id     TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  options    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
  summary    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
  curated_at TEXT NOT NULL
) STRICT;

CREATE TABLE curation_decisions (
  sample_id TEXT PRIMARY KEY REFERENCES samples(id) ON DELETE CASCADE,
  run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kept      INTEGER NOT NULL CHECK (kept IN (0, 1)),
  reason    TEXT,
  detail    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
) STRICT;

CREATE INDEX curation_decisions_run ON curation_decisions (run_id, kept);
