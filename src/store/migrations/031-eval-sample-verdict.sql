-- The whole verdict of each evaluated sample (method, detail and, for code problems, the test results: which test
-- failed, expected vs got, output excerpts), so `distill compare` and the Studio can show per-sample outcomes.
-- NULL for rows stored before this migration.
ALTER TABLE eval_samples ADD COLUMN verdict TEXT CHECK (verdict IS NULL OR json_valid(verdict));
