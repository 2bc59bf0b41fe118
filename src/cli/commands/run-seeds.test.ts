import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../../bin/distill.mjs', import.meta.url));

/** `distill run --seeds N`: the recipe once per seed (own workdir), then mean ± sd of its summary table. */
describe('distill run --seeds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distill-seeds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs each seed in its own workdir and prints the spread of the summary table', () => {
    const recipe = join(dir, 'r.yaml');
    // The row count of a seeded task export is the same for every seed; the seed itself varies.
    writeFileSync(
      recipe,
      [
        'name: s',
        `workdir: ${join(dir, 'work')}`,
        'vars: { seed: 1 }',
        'stages:',
        '  - id: data',
        '    command: tasks',
        "    positional: [export, 'add:3:train:level=1']",
        "    args: { out: '${dir}/a.jsonl', seed: '${vars.seed}' }",
        'summary: "| model | rows | seed |\\n|---|---:|---:|\\n| m | ${stages.data.rows} | ${vars.seed} |"',
        '',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [CLI, 'run', recipe, '--seeds', '2'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('| m | 3 | 1.5 ± 0.7 |');
    expect(run.stdout).toContain('mean ± sd over 2 seeds');
    expect(run.stderr).toContain(join(dir, 'work', 'seed-2'));
  });

  it('refuses a recipe without a seed variable', () => {
    const recipe = join(dir, 'noseed.yaml');
    writeFileSync(
      recipe,
      `name: n\nworkdir: ${join(dir, 'w2')}\nstages:\n  - id: a\n    command: tasks\n    positional: [export, 'add:1:train:level=1']\n    args: { out: '\${dir}/a.jsonl' }\n`,
    );
    const run = spawnSync(process.execPath, [CLI, 'run', recipe, '--seeds', '2'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--seeds needs a 'seed' variable/);
  });
});
