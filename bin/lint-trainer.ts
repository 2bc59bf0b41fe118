/**
 * Lint, format-check and type-check the Python worker (`trainer/`); part of `npm run lint`.
 *
 * - ruff (lint + format check), from a tiny venv keyed by `trainer/requirements-lint.txt` (PyPI, built once per
 *   machine next to the trainer venv, so the torch venv's key never changes for a lint tool);
 * - pyright (npm), resolving torch/numpy/gguf in the trainer venv. Before that venv exists (a fresh machine before
 *   `distill setup trainer`) pyright is skipped with one line saying so; with CI=true that is an error instead.
 *
 * `--fix` applies ruff's fixes and formatting instead of checking.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { trainerDir } from '../src/train/paths.ts';
import { ensureVenv, locateVenv } from '../src/train/venv.ts';

const fix = process.argv.includes('--fix');
const cwd = trainerDir();

function run(label: string, cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.error) console.error(`${label}: ${r.error.message}`);
  const ok = r.status === 0;
  if (!ok) console.error(`trainer lint: ${label} failed`);
  return ok;
}

const lintRequirements = join(cwd, 'requirements-lint.txt');
const planned = await locateVenv({ requirements: lintRequirements });
if (!existsSync(planned.python))
  console.error(`trainer lint: installing ruff (PyPI, about 12 MB, once) into ${planned.dir}…`);
const lintVenv = await ensureVenv({ requirements: lintRequirements });
const ruff = join(dirname(lintVenv.python), 'ruff');
let ok = fix
  ? run('ruff check --fix', ruff, ['check', '--fix', '.']) && run('ruff format', ruff, ['format', '.'])
  : [
      run('ruff check', ruff, ['check', '.']),
      run('ruff format --check', ruff, ['format', '--check', '.']),
    ].every(Boolean);

const trainerVenv = await locateVenv();
if (existsSync(trainerVenv.python)) {
  const pyright = createRequire(import.meta.url).resolve('pyright');
  ok = run('pyright', process.execPath, [pyright, '--pythonpath', trainerVenv.python]) && ok;
} else if (process.env.CI === 'true') {
  console.error(
    `trainer lint: pyright needs the trainer venv (${trainerVenv.dir}); run: node bin/distill.mjs setup trainer`,
  );
  ok = false;
} else {
  console.log(
    'trainer lint: pyright skipped (no trainer venv yet; `node bin/distill.mjs setup trainer` enables it)',
  );
}
process.exitCode = ok ? 0 : 1;
