import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeWithRun } from '../../curate/testing/fixture-run.ts';
import { plantedRun } from '../../curate/testing/planted-run.ts';

describe('distill curate / distill export (end to end, one process each)', () => {
  const ctx = storeWithRun('gen-cli', plantedRun().inputs);
  ctx.store.close();
  afterAll(() => ctx.dispose());
  const store = join(ctx.dir, 'distill.sqlite');
  const cli = (...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['bin/distill.mjs', ...args, '--store', store, '--json'], {
        encoding: 'utf8',
      }),
    );

  it('curates with --per-prompt best and exports a training folder distill train can read', () => {
    const summary = cli('curate', 'gen-cli', '--per-prompt', 'best', '--decontaminate', 'gsm8k,math500');
    expect(summary).toMatchObject({
      runName: 'gen-cli',
      kept: 5,
      dropped: { contaminated: 1, 'not-selected': 4 },
    });
    const out = join(ctx.dir, 'ds');
    const result = cli('export', 'gen-cli', '--out', out);
    expect(result).toMatchObject({ rows: 5, format: 'jsonl', style: 'messages' });
    expect(readdirSync(out).filter((f) => f.endsWith('.jsonl'))).toEqual(['train.jsonl']);
  });
});
