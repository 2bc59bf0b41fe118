import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../../bin/distill.mjs', import.meta.url));

/** `distill run`: the trainer's venv builds beside the first stages; a train stage waits for it. */
describe('distill run: the trainer venv beside the stages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distill-beside-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the stages before train while the venv builds, and fails the train stage with the set-up error', () => {
    const recipe = join(dir, 'r.yaml');
    writeFileSync(
      recipe,
      [
        'name: b',
        `workdir: ${join(dir, 'work')}`,
        'stages:',
        '  - id: data',
        '    command: tasks',
        "    positional: [export, 'add:3:train:level=1']",
        "    args: { out: '${dir}/a.jsonl' }",
        '  - id: student',
        '    command: train',
        "    args: { data: '${stages.data.dir}/a.jsonl', preset: pico, out: '${dir}/s.gguf', max-steps: 1 }",
        '',
      ].join('\n'),
    );
    const venvs = join(dir, 'venvs');
    const run = spawnSync(process.execPath, [CLI, 'run', recipe], {
      encoding: 'utf8',
      env: { ...process.env, DISTILL_VENV_DIR: venvs, DISTILL_PYTHON: join(dir, 'no-such-python3') },
    });
    expect(run.status, run.stderr).not.toBe(0);
    expect(run.stderr).toContain("[setup] Creating the trainer's Python environment");
    expect(run.stderr).toMatch(/\[1\/2\] data ✓ done/);
    expect(existsSync(join(dir, 'work', 'data', 'a.jsonl'))).toBe(true);
    expect(run.stderr).toMatch(/\[2\/2\] student ✗ .*could not create a Python venv/);
    expect(existsSync(join(dir, 'work', 'student', 's.gguf'))).toBe(false);
    // Nothing half-built is left in the venv cache.
    expect(existsSync(venvs) ? readdirSync(venvs) : []).toEqual([]);
  });
});
