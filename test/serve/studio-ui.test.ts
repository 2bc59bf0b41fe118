import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServe } from './spawn-serve.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/studio');
// DISTILL_SCREENSHOTS=1 also copies one screenshot per view into docs/screenshots/ (the README's pictures).
const DOCS_SHOTS = join(ROOT, 'docs/screenshots');
const TEACHER = 'models/distill-teacher-q8_0.gguf';
// No shared browser finder in main yet: the same lookup as test/serve/web-ui.test.ts.
const CHROMIUM = process.env.DISTILL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];
const KEY = 'studio-test-key';

let dir: string;
let store: string;
let server: SpawnedServer;
let context: BrowserContext;
let page: Page;
let student: string;

/** `distill train` of a pico student on the exported traces (held-out eval share so eval loss is charted). */
function trainArgs(out: string, steps: string): string[] {
  return [
    'train',
    '--data',
    join(dir, 'dataset'),
    '--preset',
    'pico',
    '--out',
    out,
    '--max-steps',
    steps,
    '--batch-tokens',
    '1024',
    '--eval-fraction',
    '0.25',
    '--lr',
    '0.005',
    '--threads',
    '1',
  ];
}

async function distill(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/distill.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DISTILL_STORE: store, FORCE_COLOR: '0' },
    timeout: 300_000,
  });
  return stdout;
}

/** A distill command left running in the background (a live run the Studio watches). */
function distillInBackground(...args: string[]): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/distill.mjs'), ...args], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, DISTILL_STORE: store, FORCE_COLOR: '0' },
  });
  return { child, done: new Promise((r) => child.once('exit', (code) => r(code))) };
}

/** The runs the server lists, through its API (as the UI reads them). */
async function apiRuns(): Promise<{ id: string; name: string; kind: string; status: string }[]> {
  const res = await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${KEY}` } });
  return ((await res.json()) as { data: { id: string; name: string; kind: string; status: string }[] }).data;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Screenshot of a view: an artifact, and with DISTILL_SCREENSHOTS=1 the README's copy in docs/screenshots/. */
async function shot(name: string, options: { fullPage?: boolean; docs?: string } = {}): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  if (options.docs && process.env.DISTILL_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SHOTS, { recursive: true });
    copyFileSync(path, join(DOCS_SHOTS, `${options.docs}.png`));
  }
}

// A real generate → curate → export → train → eval pipeline plus Chromium takes minutes: a slow suite
// (DISTILL_SLOW=1, `npm run test:slow`).
const ready = process.env.DISTILL_SLOW === '1' && existsSync(join(ROOT, TEACHER)) && existsSync(CHROMIUM);

beforeAll(async () => {
  if (!ready) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'distill-studio-'));
  store = join(dir, 'store.sqlite');
  // A small real pipeline on the built-in teacher: one run that answers, one cut short by --max-tokens (curation
  // drops those as cut-short, with the evidence).
  // Two processes write the store at once (as two terminals would); SQLite's busy timeout serialises them.
  await Promise.all([
    distill('generate', '--teacher', `gguf:${TEACHER}`, '--tasks', 'add:24:train', '--out', 'studio-add'),
    distill(
      'generate',
      '--teacher',
      `gguf:${TEACHER}`,
      '--tasks',
      'add:3:train',
      '--max-tokens',
      '60',
      '--out',
      'studio-cut',
    ),
  ]);
  await Promise.all([
    distill('curate', 'studio-add', '--keep', 'all'),
    distill('curate', 'studio-cut', '--keep', 'all'),
  ]);
  // Export the kept traces (24: the trainer holds out eval docs from 20 docs on), train a pico student on them
  // (recorded in the store as a train run), and evaluate the teacher and the student (stored eval reports).
  await distill('export', 'studio-add', '--format', 'jsonl', '--out', join(dir, 'dataset'));
  student = join(dir, 'student.gguf');
  await distill(...trainArgs(student, '40'));
  await Promise.all([
    distill('eval', '--model', TEACHER, '--name', 'teacher', '--tasks', 'add:6:eval', '--max-tokens', '400'),
    distill('eval', '--model', student, '--name', 'student', '--tasks', 'add:6:eval', '--max-tokens', '200'),
  ]);
  server = await spawnServe([TEACHER, student, '--name', 'teacher,student', '--store', store, '--quiet'], {
    DISTILL_API_KEY: KEY,
  });
  const profile = join(dir, 'profile');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  // The UI keeps the key in localStorage (what its key form does).
  await page.goto(server.url);
  await page.evaluate((k) => localStorage.setItem('distill.apiKey', k), KEY);
  await page.reload();
}, 900_000);

afterAll(async () => {
  await context?.close();
  if (server) expect(await server.stop()).toBe(0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(ready)('Studio in real Chromium over a store made by generate → curate → train → eval', () => {
  it('lists the runs with counts and curation outcome', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#runs`);
    await page.waitForSelector('tr.run-row');
    const names = await page
      .locator('tr.run-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run));
    expect(names.sort()).toEqual([student, 'student', 'studio-add', 'studio-cut', 'teacher'].sort());
    const kinds = await page
      .locator('tr.run-row td:nth-child(2)')
      .evaluateAll((cells) => cells.map((c) => c.textContent).sort());
    expect(kinds).toEqual(['eval', 'eval', 'generate', 'generate', 'train']);
    expect(await page.locator(`tr.run-row[data-run="${student}"]`).textContent()).toMatch(/step 40 \/ 40/);
    const cut = await page.locator('tr.run-row[data-run="studio-cut"]').textContent();
    expect(cut).toContain('completed');
    expect(cut).toMatch(/0 \/ 3 \(cut-short 3\)/);
    expect(await page.locator('#error').isHidden()).toBe(true);
    await shot('runs', { fullPage: true, docs: 'runs' });
    expect(errors).toEqual([]);
  });

  it('filters dropped samples by check and shows the evidence', async () => {
    await page.click('tr.run-row[data-run="studio-cut"] a');
    await page.waitForSelector('article.sample');
    await page.selectOption('select[name="outcome"]', 'dropped');
    await page.selectOption('select[name="filter"]', 'cut-short');
    await page.waitForFunction(() =>
      /of 3$/.test(document.querySelector('.pager .range')?.textContent ?? ''),
    );
    const badges = await page.locator('article.sample .badge.outcome').allTextContents();
    expect(badges).toEqual(['dropped by cut-short', 'dropped by cut-short', 'dropped by cut-short']);
    expect(await page.locator('article.sample').first().locator('.why').textContent()).toContain('cut-short');
    // Thinking is collapsed until opened.
    const thinking = page.locator('article.sample').first().locator('details.thinking');
    expect(await thinking.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await thinking.locator('summary').click();
    expect(await thinking.locator('.thinking-text').isVisible()).toBe(true);
    await shot('traces-dropped', { docs: 'traces' });

    // Kept samples of the other run: none of them, since they all got dropped here; search narrows to nothing.
    await page.fill('input[name="q"]', 'no such text anywhere');
    await page.press('input[name="q"]', 'Enter');
    await page.waitForFunction(() =>
      /0–0 of 0$/.test(document.querySelector('.pager .range')?.textContent ?? ''),
    );
  });

  it('renders the answers\u2019 math as math (KaTeX)', async () => {
    await page.goto(`${server.url}/#runs`);
    await page.click('tr.run-row[data-run="studio-add"] a');
    await page.waitForSelector('article.sample');
    await page.waitForSelector('article.sample .answer .katex');
    expect(await page.locator('article.sample .answer .katex').count()).toBeGreaterThan(0);
    // The raw LaTeX command is not left as text.
    const outsideMath = await page
      .locator('article.sample .answer')
      .first()
      .evaluate((answer) => {
        const copy = answer.cloneNode(true) as HTMLElement;
        for (const math of Array.from(copy.querySelectorAll('.katex'))) math.remove();
        return copy.textContent ?? '';
      });
    expect(outsideMath).not.toContain('\\boxed');
    await shot('traces-math', { fullPage: true });
  });

  it('chat renders the answer as Markdown with math once it is done', async () => {
    await page.goto(`${server.url}/#chat`);
    await page.waitForFunction(() => document.querySelectorAll('#model option').length === 2);
    await page.selectOption('#model', 'teacher');
    await page.fill('#max-tokens', '1024');
    await page.fill('#prompt', 'What is 83 - 8?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.turn.assistant .answer .katex', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector<HTMLButtonElement>('#stop')!.disabled);
    expect(await page.locator('.turn.assistant .answer .katex').count()).toBeGreaterThan(0);
    await shot('chat-math', { docs: 'chat' });
  });

  it('charts the train run: loss and eval loss, tokens/s and learning rate per step (uPlot)', async () => {
    await page.goto(`${server.url}/#runs`);
    await page.click(`tr.run-row[data-run="${student}"] a`);
    await page.waitForSelector('figure.chart[data-chart="loss"] canvas');
    await page.waitForFunction(() =>
      /completed/.test(document.querySelector('.training-stats')?.textContent ?? ''),
    );
    const points = async (chart: string) =>
      Number(await page.locator(`figure.chart[data-chart="${chart}"]`).getAttribute('data-points'));
    // The worker logs a step every few seconds (and always the first and the last): one point per logged step on
    // each chart, plus the eval-loss points on the loss chart.
    const logged = await points('tokens');
    expect(logged).toBeGreaterThanOrEqual(2);
    expect(await points('lr')).toBe(logged);
    expect(await points('loss')).toBeGreaterThan(logged);
    expect(await page.locator('.training-stats').textContent()).toMatch(
      /step 40 \/ 40 · loss \d\.\d{4} · eval loss/,
    );
    await shot('training', { docs: 'training' });
  });

  it('compares the eval reports side by side, teacher as the baseline', async () => {
    await page.goto(`${server.url}/#runs`);
    await page.click('tr.run-row[data-run="teacher"] a');
    await page.waitForSelector('tr.compare-row');
    await page.waitForFunction(() => document.querySelectorAll('tr.compare-row').length === 2);
    const labels = await page
      .locator('tr.compare-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.label));
    expect(labels).toEqual(['teacher', 'student']);
    const teacher = await page.locator('tr.compare-row[data-label="teacher"]').textContent();
    expect(teacher).toContain('100.0%'); // retained: the baseline against itself
    // Unchecking the student leaves the teacher alone.
    await page.uncheck('.report-choice[data-report="student"] input');
    await page.waitForFunction(() => document.querySelectorAll('tr.compare-row').length === 1);
    await page.check('.report-choice[data-report="student"] input');
    await page.waitForFunction(() => document.querySelectorAll('tr.compare-row').length === 2);
    await shot('compare', { docs: 'compare' });
  });

  it('arena: one prompt streams from the teacher and the student at once, with timing', {
    timeout: 200_000,
  }, async () => {
    await page.goto(`${server.url}/#arena`);
    await page.waitForFunction(() => document.querySelectorAll('select[name="model-B"] option').length === 2);
    await page.selectOption('select[name="model-A"]', 'teacher');
    await page.selectOption('select[name="model-B"]', 'student');
    await page.fill('.arena-form input[name="max-tokens"]', '300');
    await page.selectOption('.arena-form select[name="budget"]', '128');
    await page.fill('.arena-form textarea', 'What is 41 + 27?');
    await page.press('.arena-form textarea', 'Enter');
    await page.waitForFunction(
      () => document.querySelectorAll('.arena-side[data-state="done"]').length === 2,
      undefined,
      { timeout: 120_000 },
    );
    // Both sides streamed at the same time: each side's first token came before the other side's stream ended
    // (from the times the page recorded, not from catching both "running" in a poll, which a loaded machine misses).
    const at = async (side: string, key: 'first-at' | 'ended-at'): Promise<number> =>
      Number(await page.locator(`.arena-side[data-side="${side}"]`).getAttribute(`data-${key}`));
    expect(await at('A', 'first-at')).toBeLessThan(await at('B', 'ended-at'));
    expect(await at('B', 'first-at')).toBeLessThan(await at('A', 'ended-at'));
    for (const side of ['A', 'B']) {
      const pane = page.locator(`.arena-side[data-side="${side}"]`);
      expect(Number(await pane.getAttribute('data-ttft-ms'))).toBeGreaterThan(0);
      expect(Number(await pane.getAttribute('data-tokens'))).toBeGreaterThan(0);
      expect(await pane.locator('.stats').textContent()).toMatch(
        /first token \d+ ms · [\d.]+ tok\/s · \d+ tokens/,
      );
    }
    // The teacher thinks and answers; its answer renders as math.
    const teacher = page.locator('.arena-side[data-side="A"]');
    expect((await teacher.locator('.thinking-text').textContent())!.length).toBeGreaterThan(0);
    await teacher.locator('.answer .katex').first().waitFor();
    await shot('arena', { docs: 'arena' });
  });

  it('a generate run that is still going updates live in the Runs view', async () => {
    const live = distillInBackground(
      'generate',
      '--teacher',
      `gguf:${TEACHER}`,
      '--tasks',
      'add:400:train',
      '--concurrency',
      '1',
      '--out',
      'studio-live',
    );
    try {
      await until('the live run', async () =>
        (await apiRuns()).find((r) => r.name === 'studio-live' && r.status === 'running') ? true : undefined,
      );
      await page.goto(`${server.url}/#runs`);
      const cell = page.locator('tr.run-row[data-run="studio-live"] td:nth-child(4)');
      await cell.waitFor();
      const first = await cell.textContent();
      expect(await page.locator('tr.run-row[data-run="studio-live"] .run-status').textContent()).toBe(
        'running',
      );
      // No reload: the view polls while a run is running.
      await page.waitForFunction(
        (before) =>
          document.querySelector('tr.run-row[data-run="studio-live"] td:nth-child(4)')?.textContent !==
          before,
        first,
        { timeout: 60_000 },
      );
      await shot('runs-live');
    } finally {
      live.child.kill('SIGINT');
      await live.done;
    }
  });

  it('a train run that is still going charts live', { timeout: 400_000 }, async () => {
    const out = join(dir, 'live-student.gguf');
    const live = distillInBackground(...trainArgs(out, '60'));
    try {
      const run = await until('the live train run', async () =>
        (await apiRuns()).find((r) => r.name === out && r.status === 'running'),
      );
      await page.goto(`${server.url}/#training/${encodeURIComponent(run.id)}`);
      await page.waitForSelector('.training-stats .run-status.running');
      // Points arrive while it runs, then the run completes, without a reload.
      await page.waitForFunction(
        () =>
          Number(document.querySelector('figure.chart[data-chart="lr"]')?.getAttribute('data-points')) > 0,
        undefined,
        { timeout: 180_000 },
      );
      await page.waitForSelector('.training-stats .run-status.completed', { timeout: 180_000 });
      expect(await page.locator('.training-stats').textContent()).toMatch(/step 60 \/ 60/);
      expect(await live.done).toBe(0);
    } finally {
      if (live.child.exitCode === null) live.child.kill('SIGINT');
      await live.done;
    }
  });

  it('without the key, the Studio asks for it', async () => {
    await page.evaluate(() => localStorage.removeItem('distill.apiKey'));
    await page.goto(`${server.url}/#runs`);
    await page.waitForSelector('#error:not([hidden]) .key-form');
    expect(await page.locator('tr.run-row').count()).toBe(0);
    // Entering the key in the form loads the runs.
    await page.fill('.key-form input', KEY);
    await page.click('.key-form button');
    await page.waitForSelector('tr.run-row');
    expect(await page.locator('#error').isHidden()).toBe(true);
  });
});
