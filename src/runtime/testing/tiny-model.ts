import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../core/hash.ts';
import { initModel } from '../../train/init-model.ts';

const pending = new Map<string, Promise<string>>();

/** Hash of the trainer's preset table. */
function presetsVersion(): string {
  const file = new URL('../../../trainer/distill_trainer/presets.py', import.meta.url);
  return sha256(readFileSync(file, 'utf8')).slice(0, 8);
}

/**
 * Path of a random-init student GGUF (trainer preset, Distill vocab and template) built once per machine and
 * cached under the OS temp dir, for tests and benches. Needs the trainer venv (`distill train` sets it up).
 */
export function tinyModel(preset = 'nano', seed = 0): Promise<string> {
  // One folder per version of the preset table, so a changed preset never reuses a model of the old shape.
  const dir = join(tmpdir(), 'distill-test-models', presetsVersion());
  const file = join(dir, `${preset}-${seed}.gguf`);
  if (existsSync(file)) return Promise.resolve(file);
  let p = pending.get(file);
  if (!p) {
    p = (async () => {
      mkdirSync(dir, { recursive: true });
      const part = `${file}.${process.pid}.part`;
      await initModel({ preset, out: part, seed });
      renameSync(part, file);
      return file;
    })();
    pending.set(file, p);
  }
  return p;
}
