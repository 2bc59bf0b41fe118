-- The teacher's top-K next-token log-probabilities per token sequence, for logit-level distillation
-- (`distill train --kd forward-kl|on-policy`): scored once per (teacher, sequence, K), reused by every later run.
-- Range 060–069: training / distillation.

CREATE TABLE teacher_scores (
  teacher_sha256  TEXT NOT NULL,     -- the teacher GGUF's SHA-256 (an HTTP teacher: SHA-256 of its URL and model)
  sequence_sha256 TEXT NOT NULL,     -- SHA-256 of the token ids (int32 little-endian)
  top_k           INTEGER NOT NULL CHECK (top_k > 0),
  n_tokens        INTEGER NOT NULL CHECK (n_tokens >= 0),
  ids             BLOB NOT NULL,     -- int32 LE, n_tokens × top_k; row 0 (the first token: no prefix) is −1
  logprobs        BLOB NOT NULL,     -- float32 LE, n_tokens × top_k
  created_at      TEXT NOT NULL,
  PRIMARY KEY (teacher_sha256, sequence_sha256, top_k)
) STRICT, WITHOUT ROWID;
