import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError } from '../../core/errors/invalid-input-error.ts';

/** Files whose presence marks a folder as an earlier export (safe to replace). */
const EXPORT_MARKERS = ['croissant.json', 'README.md'];

/**
 * Build a folder atomically: `write` fills a temporary sibling folder, which then replaces `outDir` by rename.
 * Readers never see a half-written export. An existing non-empty `outDir` is replaced only when it holds an
 * earlier export; anything else is refused. On failure the temporary folder is removed and `outDir` is untouched.
 */
export async function writeDirAtomically<T>(
  outDir: string,
  write: (dir: string) => Promise<T> | T,
): Promise<T> {
  const target = resolve(outDir);
  if (existsSync(target)) {
    const entries = readdirSync(target);
    if (entries.length > 0 && !EXPORT_MARKERS.every((m) => entries.includes(m)))
      throw new InvalidInputError(`${target} exists and is not an earlier Distill export`, {
        hint: 'choose an empty or new --out folder',
        field: 'out',
      });
  }
  mkdirSync(dirname(target), { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${stamp}`);
  mkdirSync(tmp);
  let result: T;
  try {
    result = await write(tmp);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  const old = join(dirname(target), `.${basename(target)}.old-${stamp}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  return result;
}
