import { DistillError } from '../core/errors/distill-error.ts';

/** Print a command's result: JSON on stdout with `--json`, else the human rendering. */
export function emit(json: boolean | undefined, data: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(data)}\n`);
  else {
    const text = human();
    if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Render any error as one clear line (stderr, or a JSON object on stdout with --json) and return the exit code. */
export function reportError(error: unknown, json: boolean): number {
  if (DistillError.isInstance(error)) {
    if (json) process.stdout.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
    else process.stderr.write(`error: ${error.toLine()}\n`);
    if (process.env.DISTILL_DEBUG) process.stderr.write(`${error.stack ?? ''}\n`);
    return error.exitCode;
  }
  const err = error as { name?: string; message?: string; stack?: string };
  // citty's own usage errors (unknown command, missing argument) are input errors.
  const isUsage = err?.name === 'CLIError' || /Unknown command|Missing required/i.test(err?.message ?? '');
  const message = err?.message ?? String(error);
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: isUsage ? 'E_USAGE' : 'E_INTERNAL', message } })}\n`,
    );
  else process.stderr.write(`error: ${message}${isUsage ? ' — run with --help to see usage' : ''}\n`);
  if (process.env.DISTILL_DEBUG || !isUsage) process.stderr.write(`${err?.stack ?? ''}\n`);
  return isUsage ? 2 : 1;
}

/** Trainer venv set-up messages (first run only): lines on stderr, or JSON lines with --json. */
export function setupProgress(json: boolean | undefined): (message: string) => void {
  return (message) =>
    process.stderr.write(
      json ? `${JSON.stringify({ type: 'setup', message: message.trim() })}\n` : `${message}\n`,
    );
}
