/**
 * Exit codes every `distill` command uses (the README lists them). Errors carry theirs (`DistillError.exitCode`);
 * these are the ones a command sets for an outcome that is not an error.
 */
export const EXIT = {
  ok: 0,
  /** Failed: an error with no more specific code (e.g. a teacher failure during eval), or a bug. */
  error: 1,
  /** Bad input: options, files, task specs, a foreign store. */
  badInput: 2,
  /** Missing setup: an API key, the trainer venv; also an export refused by the teacher's terms. */
  setup: 3,
  /** The command ran to the end but some work failed (e.g. requests that gave up); re-running resumes it. */
  incomplete: 4,
  /** Interrupted (Ctrl-C / SIGTERM); re-running resumes. */
  interrupted: 130,
} as const;
