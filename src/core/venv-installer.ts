import { join } from 'node:path';
import { SetupError } from './errors/setup-error.ts';
import type { PipProgress } from './pip-progress.ts';
import { type CommandResult, runCommand } from './run-command.ts';

/**
 * The uv release installed into a new venv to install its requirements: uv downloads the wheels in parallel and
 * links them in place, where pip fetches them one by one and unzips them (torch's 3 GB: ~45 s vs ~2–3.5 min here).
 * It changes how the pinned requirements are installed, not what is installed, so it is not part of a venv's key.
 */
export const UV_VERSION = '0.13.8';

/** Which tool installs a venv's requirements: `DISTILL_INSTALLER=uv` (the default) or `pip`. */
export type Installer = 'uv' | 'pip';

export function chosenInstaller(env: NodeJS.ProcessEnv = process.env): Installer {
  const value = env.DISTILL_INSTALLER?.trim() || 'uv';
  if (value === 'uv' || value === 'pip') return value;
  throw new SetupError(`DISTILL_INSTALLER must be uv or pip, got '${value}'`, {
    hint: 'unset DISTILL_INSTALLER to install with uv (falls back to pip), or set DISTILL_INSTALLER=pip',
  });
}

/**
 * The `uv pip install` options that carry over pip's own configuration from the environment, so that a machine set
 * up for pip (a mirror, extra wheels, a corporate CA, no cache) installs the same way with uv.
 */
export function uvArgsFromPipEnv(env: NodeJS.ProcessEnv): { args: string[]; env: NodeJS.ProcessEnv } {
  const args: string[] = [];
  const words = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);
  if (env.PIP_INDEX_URL && !env.UV_INDEX_URL && !env.UV_DEFAULT_INDEX)
    args.push('--index-url', env.PIP_INDEX_URL);
  for (const url of words(env.PIP_EXTRA_INDEX_URL)) args.push('--extra-index-url', url);
  for (const where of words(env.PIP_FIND_LINKS)) args.push('--find-links', where);
  const noCache = env.PIP_NO_CACHE_DIR?.toLowerCase();
  if (noCache && !['0', 'false', 'no', 'off'].includes(noCache)) args.push('--no-cache');
  const out: NodeJS.ProcessEnv = { ...env };
  if (env.PIP_CERT && !env.SSL_CERT_FILE) out.SSL_CERT_FILE = env.PIP_CERT;
  return { args, env: out };
}

/** `python -m pip install` without its version nag or progress bars (their lines are parsed, not shown). */
const PIP_INSTALL = ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off'];

export interface InstallOptions {
  signal?: AbortSignal | undefined;
  progress: PipProgress;
  say: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** What ran and how it ended. */
export interface InstallResult extends CommandResult {
  installer: Installer;
  /** The command to run by hand to retry. */
  manual: string;
}

/**
 * Install a pinned requirements file into the venv at `venvDir`: with uv (bootstrapped into the venv by its own pip)
 * unless DISTILL_INSTALLER=pip, and with pip when uv cannot be installed (a platform without uv wheels, an index
 * that lacks it).
 */
export async function installRequirements(
  venvDir: string,
  requirements: string,
  options: InstallOptions,
): Promise<InstallResult> {
  const env = options.env ?? process.env;
  const python = join(venvDir, 'bin', 'python');
  const onLine = (line: string): void => options.progress.line(line);
  const pip = async (): Promise<InstallResult> => ({
    installer: 'pip',
    manual: `${python} -m pip install -r ${requirements}`,
    ...(await runCommand(python, [...PIP_INSTALL, '-r', requirements], {
      signal: options.signal,
      env,
      onLine,
    })),
  });
  if (chosenInstaller(env) === 'pip') return pip();
  const boot = await runCommand(python, [...PIP_INSTALL, `uv==${UV_VERSION}`], {
    signal: options.signal,
    env,
  });
  if (boot.code !== 0) {
    const why = boot.tail.trim().split('\n').pop() ?? `exit ${boot.code}`;
    options.say(`  uv ${UV_VERSION} could not be installed (${why}); installing with pip instead`);
    return pip();
  }
  const uv = join(venvDir, 'bin', 'uv');
  const fromPip = uvArgsFromPipEnv(env);
  const args = ['pip', 'install', '--python', python, ...fromPip.args, '-r', requirements];
  return {
    installer: 'uv',
    manual: `${uv} ${args.join(' ')}`,
    ...(await runCommand(uv, args, { signal: options.signal, env: fromPip.env, onLine })),
  };
}
