import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeWithCodeRun } from '../../src/server/testing/code-run.ts';
import { type SpawnedStudio, spawnStudio } from './spawn-studio.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/studio');
const CHROMIUM = process.env.DISTILL_CHROMIUM ?? '/usr/bin/chromium';
const KEY = 'studio-code-key';
// Chromium is a slow suite (DISTILL_SLOW=1, `npm run test:slow`).
const ready = process.env.DISTILL_SLOW === '1' && existsSync(CHROMIUM);

let fixture: ReturnType<typeof storeWithCodeRun>;
let cwd: string;
let studio: SpawnedStudio;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!ready) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  fixture = storeWithCodeRun();
  fixture.store.close();
  cwd = mkdtempSync(join(tmpdir(), 'distill-studio-code-'));
  studio = await spawnStudio(['--store', fixture.store.path, '--quiet'], {
    cwd,
    env: { DISTILL_API_KEY: KEY },
  });
  context = await chromium.launchPersistentContext(join(cwd, 'profile'), {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(studio.info.url);
  await page.evaluate((k) => localStorage.setItem('distill.apiKey', k), KEY);
  await page.reload();
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (studio) expect(await studio.stop()).toBe(0);
  fixture?.dispose();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe.runIf(ready)('Studio trace view in real Chromium: code test results', () => {
  it('shows the failing test with expected vs got, the timeout, and the program output', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(studio.info.studio!);
    await page.click('tr.run-row[data-run="gen-code"] a');
    await page.waitForSelector('article.sample .code-result');
    const failing = page.locator('article.sample[data-problem="code-add-1"] .code-result');
    expect(await failing.getAttribute('data-status')).toBe('wrong-answer');
    expect(await failing.locator('.code-head').textContent()).toContain('Tests 1/3 passed · wrong answer');
    expect(await failing.locator('.code-test').textContent()).toBe('assert add(-1, 1) == 0');
    expect(await failing.locator('.code-failure').textContent()).toContain('Failed test 2');
    expect(await failing.locator('code.code-expected').textContent()).toBe('0');
    expect(await failing.locator('code.code-got').textContent()).toBe('7');
    await failing.locator('details.stdout summary').click();
    expect(await failing.locator('details.stdout pre').textContent()).toBe('adding 1 2\nadding -1 1');
    const timeout = page.locator('article.sample[data-problem="code-add-2"] .code-result');
    expect(await timeout.locator('.code-head').textContent()).toContain('time limit exceeded');
    expect(await timeout.locator('.code-detail').textContent()).toContain('ran past the 1000 ms limit');
    // A math sample has no test panel.
    expect(await page.locator('article.sample[data-problem="add-3"] .code-result').count()).toBe(0);
    expect(await page.locator('#error').isHidden()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'traces-code.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('finds samples by words and word starts in the thinking (the full-text index)', async () => {
    await page.fill('input[name="q"]', 'NEGATIV special');
    await page.press('input[name="q"]', 'Enter');
    await page.waitForFunction(() =>
      /of 1$/.test(document.querySelector('.pager .range')?.textContent ?? ''),
    );
    expect(
      await page
        .locator('article.sample')
        .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.problem)),
    ).toEqual(['code-add-1']);
  });
});
