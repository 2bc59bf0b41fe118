-- Who is working on a `running` run, and when it last said so. A reader that finds the owner process gone (same
-- host) or the heartbeat stale shows the run as `interrupted` (src/store/run-liveness.ts).
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN owner_host TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
