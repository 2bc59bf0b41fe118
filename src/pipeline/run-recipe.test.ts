import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../core/errors/invalid-input-error.ts';
import { loadRecipe } from './load-recipe.ts';
import { type RecipeEvent, runRecipe } from './run-recipe.ts';

const dir = mkdtempSync(join(tmpdir(), 'distill-recipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const recipeText = (count: number): string => `
name: t
workdir: ${join(dir, 'work')}
vars: { count: ${count} }
stages:
  - id: first
    command: tasks
    positional: [export, 'add:\${vars.count}:train:level=1']
    args: { out: '\${dir}/a.jsonl', seed: 3 }
    outputs: [first/a.jsonl]
  - id: second
    command: tasks
    positional: [export, 'sort:2:train:level=1']
    args: { out: '\${stages.first.dir}/b.jsonl' }
summary: 'rows \${stages.first.rows}'
`;

describe('distill run: recipes', () => {
  it('runs stages, skips unchanged ones, reruns a changed stage and what depends on it', async () => {
    const path = write('r.yaml', recipeText(3));
    const events: RecipeEvent[] = [];
    const first = await runRecipe(loadRecipe(path), { onEvent: (e) => events.push(e) });
    expect(first.stages.map((s) => s.status)).toEqual(['ran', 'ran']);
    expect(readFileSync(join(dir, 'work/first/a.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(existsSync(join(dir, 'work/first/b.jsonl'))).toBe(true);
    expect(first.summary).toBe('rows 3');
    expect(events.filter((e) => e.type === 'stage-done')).toHaveLength(2);

    const again = await runRecipe(loadRecipe(path));
    expect(again.stages.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(again.summary).toBe('rows 3');

    const changed = await runRecipe(loadRecipe(path, { count: '4' }));
    expect(changed.stages.map((s) => s.status)).toEqual(['ran', 'ran']);
    expect(readFileSync(join(dir, 'work/first/a.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it("keeps a stage's folder for another attempt at the same stage, and empties it when its settings changed or under --force", async () => {
    const work = join(dir, 'stale');
    const path = write('stale.yaml', recipeText(3).replace(join(dir, 'work'), work));
    const marker = join(work, 'first', 'checkpoint-of-an-earlier-attempt');
    await runRecipe(loadRecipe(path));
    writeFileSync(marker, 'x');
    // Settings changed (count 3 -> 4); this attempt fails before its command runs: what the old settings left is gone.
    const failing = await runRecipe(loadRecipe(path, { count: '4' }), {
      beforeStage: async (stage) => {
        if (stage.id === 'first') throw new Error('interrupted');
      },
    }).catch((e: unknown) => e);
    expect(String(failing)).toMatch(/interrupted/);
    expect(existsSync(marker)).toBe(false);
    // The next attempt at the same settings finds what the failed attempt left (a resume would pick it up).
    writeFileSync(marker, 'x');
    const retried = await runRecipe(loadRecipe(path, { count: '4' }));
    expect(retried.stages.map((s) => s.status)).toEqual(['ran', 'ran']);
    expect(existsSync(marker)).toBe(true);
    expect(readFileSync(join(work, 'first/a.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
    await runRecipe(loadRecipe(path, { count: '4' }), { force: true });
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(work, 'first/a.jsonl'))).toBe(true);
  });

  it('reuses a base recipe with other variables through extends', () => {
    write('base.yaml', recipeText(3));
    const path = write('child.yaml', `extends: base.yaml\nname: child\nvars: { count: 9 }\n`);
    const recipe = loadRecipe(path);
    expect(recipe.name).toBe('child');
    expect(recipe.vars.count).toBe(9);
    expect(recipe.stages.map((s) => s.id)).toEqual(['first', 'second']);
    expect(recipe.stages[1]?.needs).toEqual(['first']);
  });

  it('rejects invalid recipes with a clear error', () => {
    const bad = write('bad.yaml', 'name: x\nworkdir: w\nstages:\n  - id: a\n    command: rm\n');
    expect(() => loadRecipe(bad)).toThrow(InvalidInputError);
    const unknownRef = write(
      'ref.yaml',
      "name: x\nworkdir: w\nstages:\n  - id: a\n    command: tasks\n    args: { out: '${stages.nope.dir}' }\n",
    );
    expect(() => loadRecipe(unknownRef)).toThrow(/unknown stage 'nope'/);
    expect(() => loadRecipe(join(dir, 'missing.yaml'))).toThrow(/not found/);
  });

  it('waits for beforeStage before starting a stage, and fails the stage when it rejects', async () => {
    const path = write('gate.yaml', recipeText(2).replace(join(dir, 'work'), join(dir, 'gate')));
    const order: string[] = [];
    let release = (): void => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const running = runRecipe(loadRecipe(path), {
      onEvent: (e) => {
        if (e.type === 'stage-start') order.push(`start ${e.stage.id}`);
      },
      beforeStage: async (stage) => {
        if (stage.id !== 'second') return;
        order.push('gate');
        await gate;
        order.push('released');
      },
    });
    await vi.waitFor(() => expect(order).toContain('gate'), { timeout: 60_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(['start first', 'gate']);
    release();
    const done = await running;
    expect(done.stages.map((s) => s.status)).toEqual(['ran', 'ran']);
    expect(order).toEqual(['start first', 'gate', 'released', 'start second']);

    const failing = write('gate-fail.yaml', recipeText(2).replace(join(dir, 'work'), join(dir, 'gate-fail')));
    const events: RecipeEvent[] = [];
    await expect(
      runRecipe(loadRecipe(failing), {
        onEvent: (e) => events.push(e),
        beforeStage: async (stage) => {
          if (stage.id === 'second') throw new InvalidInputError('the venv could not be built');
        },
      }),
    ).rejects.toThrow(/venv could not be built/);
    const failed = events.find((e) => e.type === 'stage-failed');
    expect(failed?.stage.id).toBe('second');
    expect(existsSync(join(dir, 'gate-fail/second/b.jsonl'))).toBe(false);
  });

  it('runs parallel stages side by side once the stages they use are done; the next stage waits for both', async () => {
    const work = join(dir, 'par');
    const stage = (id: string, extra: string, out: string, tasks = 'add:2:train:level=1'): string =>
      `  - id: ${id}\n    command: tasks\n    positional: [export, '${tasks}']\n    args: { out: '${out}' }\n${extra}`;
    const text = (bad: boolean): string =>
      `name: p\nworkdir: ${work}\nstages:\n${stage('first', '', '${dir}/a.jsonl')}${stage(
        'left',
        '    parallel: true\n',
        '${stages.first.dir}/../left.jsonl',
      )}${stage('right', '    parallel: true\n', '${stages.first.dir}/../right.jsonl', bad ? 'nofamily:2:train' : undefined)}${stage('last', '', '${dir}/z.jsonl')}`;
    const path = write('par.yaml', text(false));
    const order: string[] = [];
    // Each parallel stage waits at its gate until the other has reached its own: sequential stages never would.
    let arrived = 0;
    let bothArrived = (): void => {};
    const barrier = new Promise<void>((r) => {
      bothArrived = r;
    });
    const outcome = await runRecipe(loadRecipe(path), {
      onEvent: (e) => {
        if (e.type === 'stage-start' || e.type === 'stage-done') order.push(`${e.type} ${e.stage.id}`);
      },
      beforeStage: async (st) => {
        if (st.id !== 'left' && st.id !== 'right') return;
        arrived += 1;
        if (arrived === 2) bothArrived();
        await Promise.race([
          barrier,
          new Promise((_, reject) => setTimeout(() => reject(new Error(`${st.id} ran alone`)), 20_000)),
        ]);
      },
    });
    expect(outcome.stages.map((x) => `${x.id} ${x.status}`)).toEqual([
      'first ran',
      'left ran',
      'right ran',
      'last ran',
    ]);
    expect(order.indexOf('stage-done first')).toBeLessThan(order.indexOf('stage-start left'));
    expect(order.indexOf('stage-start last')).toBeGreaterThan(order.indexOf('stage-done left'));
    expect(order.indexOf('stage-start last')).toBeGreaterThan(order.indexOf('stage-done right'));

    // One parallel stage fails: the other still ends, the stage after them never starts, the run fails.
    const events: RecipeEvent[] = [];
    await expect(
      runRecipe(loadRecipe(write('par-bad.yaml', text(true))), {
        force: true,
        onEvent: (e) => events.push(e),
      }),
    ).rejects.toThrow(/distill tasks failed/);
    const seen = (type: string, id: string): boolean =>
      events.some((e) => e.type === type && e.stage.id === id);
    expect(seen('stage-failed', 'right')).toBe(true);
    expect(seen('stage-done', 'left')).toBe(true);
    expect(seen('stage-start', 'last')).toBe(false);
  });

  it('stops at a failing stage and reports its log', async () => {
    const path = write(
      'fail.yaml',
      `name: f\nworkdir: ${join(dir, 'fail')}\nstages:\n  - id: bad\n    command: tasks\n    positional: [export, 'nofamily:3:train']\n    args: { out: x.jsonl }\n`,
    );
    await expect(runRecipe(loadRecipe(path))).rejects.toThrow(/distill tasks failed \(exit 2\).*nofamily/);
    expect(readFileSync(join(dir, 'fail/logs/bad.log'), 'utf8')).toContain(
      '$ distill tasks export nofamily:3:train',
    );
  });
});
