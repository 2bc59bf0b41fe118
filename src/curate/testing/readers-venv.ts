import { fileURLToPath } from 'node:url';
import { ensurePythonVenv, type PythonVenv, type PythonVenvOptions } from '../../core/python-venv.ts';

/** `src/curate/export/readers-requirements.txt`: mlcroissant, datasets, pyarrow, pandas, pinned. */
export function readersRequirementsPath(): string {
  return fileURLToPath(new URL('../export/readers-requirements.txt', import.meta.url));
}

/** `check_readers.py`, which reads an export with mlcroissant and datasets and prints what they saw. */
export function checkReadersScript(): string {
  return fileURLToPath(new URL('./check_readers.py', import.meta.url));
}

/**
 * The venv of the reference readers an export is checked with, built once and cached by the hash of its
 * requirements file, like the trainer's.
 */
export function ensureReadersVenv(options: PythonVenvOptions = {}): Promise<PythonVenv> {
  return ensurePythonVenv(
    readersRequirementsPath(),
    {
      label: "the export readers' Python environment",
      packages: 'mlcroissant, datasets, pyarrow, pandas',
    },
    options,
  );
}
