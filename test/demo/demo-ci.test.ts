import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const slow = process.env.DISTILL_SLOW === '1';
const teacher = 'models/distill-teacher-q8_0.gguf';

describe.runIf(slow && existsSync(teacher))(
  'the demo at tiny sizes (recipes/demo-ci.yaml), end to end',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'distill-demo-ci-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('serves the built-in teacher, distils it and prints the comparison', { timeout: 900_000 }, () => {
      const run = spawnSync(
        process.execPath,
        ['bin/distill.mjs', 'run', 'recipes/demo-ci.yaml', '--workdir', dir, '--json'],
        {
          encoding: 'utf8',
          timeout: 900_000,
        },
      );
      expect(run.status, run.stderr).toBe(0);
      const outcome = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
        stages: Array<{ id: string; status: string }>;
        summary: string;
      };
      expect(outcome.stages.map((s) => s.id)).toEqual([
        'serve-teacher',
        'serve-teacher-2',
        'generate',
        'curate',
        'export',
        'train-distilled',
        'train-control',
        'quantize',
        'eval-teacher',
        'eval-student',
        'eval-student-q8',
        'eval-control',
        'compare',
      ]);
      expect(outcome.stages.every((s) => s.status === 'ran')).toBe(true);
      // The teacher is served twice (one decode loop per core) and queried as a pool: both answered.
      const store = new Database(join(dir, 'distill.sqlite'), { readonly: true });
      const endpoints = store
        .prepare("SELECT DISTINCT json_extract(provenance, '$.teacher.endpoint') AS e FROM samples")
        .all() as Array<{ e: string }>;
      store.close();
      expect(endpoints).toHaveLength(2);
      const table = readFileSync(join(dir, 'compare/comparison.md'), 'utf8');
      for (const name of ['teacher', 'student (thinking)', 'student Q8_0', 'control (answers only)'])
        expect(table).toContain(`| ${name} |`);
      expect(outcome.summary).toContain('npx distill chat');
      expect(existsSync(join(dir, 'train-distilled/student.gguf'))).toBe(true);
      const card = readFileSync(join(dir, 'export/dataset/README.md'), 'utf8');
      expect(card).toMatch(/annotations_creators:[\s\S]*machine-generated/);
      const rows = readFileSync(join(dir, 'export/dataset', 'train.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.parse(rows[0] ?? '{}').messages[1].content).toMatch(/^<think>\n[\s\S]+\n<\/think>\n\n/);
    });
  },
);
