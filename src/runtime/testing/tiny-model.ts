import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initModel } from '../../train/init-model.ts';

const pending = new Map<string, Promise<string>>();

/**
 * Path of a random-init student GGUF (trainer preset, Distill vocab and template) built once per machine and
 * cached under the OS temp dir, for tests and benches. Needs the trainer venv (`distill train` sets it up).
 */
export function tinyModel(preset = 'nano', seed = 0): Promise<string> {
  const dir = join(tmpdir(), 'distill-test-models');
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
