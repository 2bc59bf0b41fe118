import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserDecision, findBrowser } from '../support/find-browser.ts';
import { type SpawnedServer, spawnServe, tinyGguf } from './spawn-serve.ts';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// A Chromium from DISTILL_CHROMIUM, the system package or Playwright's cache; none: one line and a skip (a failure
// when DISTILL_REQUIRE_BROWSER=1, as in CI, so these tests never stop running there unnoticed).
const browser = browserDecision(findBrowser());
if (!browser.run && !browser.fail) console.warn(browser.line);

describe.runIf(!browser.run && browser.fail)('web UI browser', () => {
  it('finds a Chromium to run the web UI tests in', () => {
    if (!browser.run) throw new Error(browser.line);
  });
});

let server: SpawnedServer;
let context: BrowserContext;
let page: Page;
let profile: string;

async function waitIdle(): Promise<void> {
  await page.waitForFunction(() => document.querySelector<HTMLButtonElement>('#stop')!.disabled);
}

describe.runIf(browser.run)('web UI in real Chromium against distill serve', () => {
  if (!browser.run) return;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Two models so the picker has a choice; the web UI is built on first use if web/dist is missing.
    const [a, b] = await Promise.all([tinyGguf(0), tinyGguf(1)]);
    // A context well above the tiny models' 1,024 tokens, so a 29,000-token minimum thinking (seconds even on a fast
    // machine) outlasts the answer-now click by a wide margin.
    server = await spawnServe([a, b, '--name', 'student,teacher', '--context', '32768']);
    profile = mkdtempSync(join(tmpdir(), 'distill-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: browser.path,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    expect(await server?.stop()).toBe(0);
  });

  it('shows live thinking, then the answer, in a collapsible panel with timing and tokens/s', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll('#model option').length === 2);
    expect(await page.locator('#model option').allTextContents()).toEqual(['student', 'teacher']);
    await page.selectOption('#model', 'teacher');
    await page.selectOption('#budget', '32');
    await page.fill('#max-tokens', '64');
    // Record when thinking and answer text first appear, and whether the composer moves while streaming.
    await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__composerTop = document.querySelector('#composer')!.getBoundingClientRect().top;
      w.__moves = 0;
      new MutationObserver(() => {
        const t = document.querySelector('.turn.assistant .thinking-text')?.textContent;
        const a = document.querySelector('.turn.assistant .answer')?.textContent;
        if (t && w.__thinkingAt === undefined) w.__thinkingAt = performance.now();
        if (a && w.__answerAt === undefined) w.__answerAt = performance.now();
        if (document.querySelector('#composer')!.getBoundingClientRect().top !== w.__composerTop)
          w.__moves = (w.__moves as number) + 1;
      }).observe(document.querySelector('#log')!, { subtree: true, childList: true, characterData: true });
    });
    await page.focus('#prompt');
    await page.keyboard.type('What is 17 times 23?');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /^Thought for/.test(document.querySelector('.thinking-summary')?.textContent ?? ''),
    );
    await waitIdle();

    const timing = await page.evaluate(() => {
      const w = window as unknown as Record<string, number>;
      return { thinkingAt: w.__thinkingAt, answerAt: w.__answerAt, moves: w.__moves };
    });
    expect(timing.thinkingAt).toBeDefined();
    expect(timing.answerAt).toBeDefined();
    expect(timing.thinkingAt).toBeLessThan(timing.answerAt!);
    expect(timing.moves).toBe(0);

    const summary = page.locator('.thinking-summary');
    expect(await summary.textContent()).toMatch(/^Thought for \d+\.\d s · \d+ tokens?$/);
    expect(await page.locator('.thinking-text').textContent()).not.toBe('');
    expect(await page.locator('.answer').textContent()).not.toBe('');
    expect(await page.locator('.stats').textContent()).toMatch(
      /^\d+\.\d tok\/s · \d+ tokens \(\d+ thinking\)/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'serve-web-desktop-open.png') });

    // Collapse the thinking with the keyboard: the summary is focusable and toggles on Enter.
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('details.thinking').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(
      false,
    );
    expect(await page.locator('.thinking-text').isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-web-desktop.png') });
    expect(errors).toEqual([]);
  });

  it('keeps the conversation across reloads and fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#model option').length === 2);
    expect(await page.locator('.turn.user').allTextContents()).toEqual(['What is 17 times 23?']);
    expect(await page.locator('.turn.assistant').count()).toBe(1);
    expect(await page.inputValue('#model')).toBe('teacher');
    expect(await page.inputValue('#budget')).toBe('32');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'serve-web-phone.png') });
  });

  it('answer now ends the thinking through the server; Esc stops a generation', async () => {
    // Make this turn deterministic: greedy decoding, and thinking that may not end before 29,000 tokens on its own
    // (a 2,500-token minimum raced the click on a fresh clone: the thinking ended first).
    await page.route('**/v1/chat/completions', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { thinking?: object };
      body.thinking = { ...body.thinking, min_tokens: 29_000 };
      await route.continue({ postData: JSON.stringify({ ...body, temperature: 0, max_tokens: 30_000 }) });
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.selectOption('#budget', 'none');
    await page.fill('#max-tokens', '30000');
    await page.fill('#prompt', 'Think at length, please.');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => (document.querySelectorAll('.thinking-text')[1]?.textContent ?? '').length > 0,
    );
    const answered = page.waitForResponse((r) => r.url().includes('/v1/distill/answer-now/'));
    await page.click('#answer-now');
    expect((await answered).status()).toBe(200);
    await page.waitForFunction(() => (document.querySelectorAll('.answer')[1]?.textContent ?? '').length > 0);
    const summary = await page.locator('.thinking-summary').nth(1).textContent();
    const thought = Number(/· ([\d,]+) tokens?$/.exec(summary ?? '')?.[1]?.replace(',', ''));
    expect(thought).toBeGreaterThan(0);
    expect(thought).toBeLessThan(29_000);
    await page.keyboard.press('Escape');
    await waitIdle();
    expect(await page.locator('.turn.assistant').nth(1).locator('.note').textContent()).toBe('Stopped.');
    expect(await page.locator('#send').isDisabled()).toBe(false);
    await page.unroute('**/v1/chat/completions');
  });
});
