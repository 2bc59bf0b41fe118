import { TORCH_DOWNLOAD_NOTE } from '../core/pip-progress.ts';
import {
  ensurePythonVenv,
  locatePythonVenv,
  type PythonVenv,
  type PythonVenvOptions,
  venvRoot,
} from '../core/python-venv.ts';
import { requirementsPath } from './paths.ts';

export { PipProgress, TORCH_DOWNLOAD_NOTE } from '../core/pip-progress.ts';

export { venvRoot };

export interface VenvOptions extends PythonVenvOptions {
  /** Pinned requirements file. Defaults to `trainer/requirements.txt`. */
  requirements?: string;
}

/** The trainer venv; run the worker as `<python> -m distill_trainer …`. */
export type Venv = PythonVenv;

/** The cache key and location of the trainer venv, without creating anything. */
export function locateVenv(options: VenvOptions = {}): Promise<Omit<Venv, 'created'>> {
  return locatePythonVenv(options.requirements ?? requirementsPath(), options);
}

/**
 * The trainer's virtual environment, created on first use and cached by the hash of `trainer/requirements.txt`
 * (see ensurePythonVenv). An existing venv makes this a no-op. Never reinstalls torch.
 */
export function ensureVenv(options: VenvOptions = {}): Promise<Venv> {
  return ensurePythonVenv(
    options.requirements ?? requirementsPath(),
    {
      label: "the trainer's Python environment",
      packages: 'trainer requirements (torch, numpy, gguf)',
      note: TORCH_DOWNLOAD_NOTE,
      setupCommand: 'distill setup trainer',
    },
    options,
  );
}
