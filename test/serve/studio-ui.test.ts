import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServe } from './spawn-serve.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/studio');
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

async function distill(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/distill.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DISTILL_STORE: store, FORCE_COLOR: '0' },
    timeout: 180_000,
  });
  return stdout;
}

// A real generate → curate pipeline plus Chromium takes ~35 s: a slow suite (DISTILL_SLOW=1, `npm run test:slow`).
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
    distill('generate', '--teacher', `gguf:${TEACHER}`, '--tasks', 'add:3:train', '--out', 'studio-add'),
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
  server = await spawnServe([TEACHER, '--name', 'teacher', '--store', store, '--quiet'], {
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
}, 300_000);

afterAll(async () => {
  await context?.close();
  if (server) expect(await server.stop()).toBe(0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(ready)('Studio in real Chromium over a store made by generate + curate', () => {
  it('lists the runs with counts and curation outcome', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#runs`);
    await page.waitForSelector('tr.run-row');
    const names = await page
      .locator('tr.run-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.run));
    expect(names.sort()).toEqual(['studio-add', 'studio-cut']);
    const cut = await page.locator('tr.run-row[data-run="studio-cut"]').textContent();
    expect(cut).toContain('completed');
    expect(cut).toMatch(/0 \/ 3 \(cut-short 3\)/);
    expect(await page.locator('#error').isHidden()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'runs.png'), fullPage: true });
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
    await page.screenshot({ path: join(ARTIFACTS, 'traces-dropped.png'), fullPage: true });

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
    await page.screenshot({ path: join(ARTIFACTS, 'traces-math.png'), fullPage: true });
  });

  it('chat renders the answer as Markdown with math once it is done', async () => {
    await page.goto(`${server.url}/#chat`);
    await page.waitForFunction(() => document.querySelectorAll('#model option').length === 1);
    await page.fill('#max-tokens', '1024');
    await page.fill('#prompt', 'What is 83 - 8?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.turn.assistant .answer .katex', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector<HTMLButtonElement>('#stop')!.disabled);
    expect(await page.locator('.turn.assistant .answer .katex').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'chat-math.png') });
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
