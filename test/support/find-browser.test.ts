import { describe, expect, it } from 'vitest';
import { browserDecision, findBrowser } from './find-browser.ts';

const fs = (files: string[], dirs: Record<string, string[]> = {}) => ({
  exists: (p: string) => files.includes(p),
  listDir: (p: string) => dirs[p] ?? [],
  home: '/home/u',
});

describe('findBrowser', () => {
  it('prefers DISTILL_CHROMIUM, then the system package, then the newest Playwright build', () => {
    const files = [
      '/opt/chrome',
      '/usr/bin/chromium',
      '/home/u/.cache/ms-playwright/chromium-1100/chrome-linux/chrome',
      '/home/u/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome',
    ];
    const dirs = {
      '/home/u/.cache/ms-playwright': [
        'chromium-1100',
        'chromium-1200',
        'ffmpeg-1010',
        'chromium_headless_shell-1200',
      ],
    };
    expect(findBrowser({ env: { DISTILL_CHROMIUM: '/opt/chrome' }, ...fs(files, dirs) })).toEqual({
      found: true,
      path: '/opt/chrome',
      source: 'DISTILL_CHROMIUM',
    });
    expect(findBrowser({ env: {}, ...fs(files, dirs) })).toMatchObject({
      path: '/usr/bin/chromium',
      source: 'system',
    });
    expect(findBrowser({ env: {}, ...fs(files.slice(2), dirs) })).toMatchObject({
      path: '/home/u/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome',
      source: 'playwright-cache',
    });
    expect(findBrowser({ env: {}, ...fs(files.slice(2, 3), dirs) })).toMatchObject({
      path: '/home/u/.cache/ms-playwright/chromium-1100/chrome-linux/chrome',
    });
  });

  it('honours PLAYWRIGHT_BROWSERS_PATH', () => {
    const lookup = findBrowser({
      env: { PLAYWRIGHT_BROWSERS_PATH: '/pw' },
      ...fs(['/pw/chromium-7/chrome-linux/chrome'], { '/pw': ['chromium-7'] }),
    });
    expect(lookup).toMatchObject({ found: true, path: '/pw/chromium-7/chrome-linux/chrome' });
  });

  it('reports a DISTILL_CHROMIUM that does not exist as a misconfiguration', () => {
    const lookup = findBrowser({ env: { DISTILL_CHROMIUM: '/nope' }, ...fs(['/usr/bin/chromium']) });
    expect(lookup).toEqual({
      found: false,
      misconfigured: true,
      reason: 'DISTILL_CHROMIUM=/nope does not exist',
    });
  });
});

describe('browserDecision', () => {
  const none = findBrowser({ env: {}, ...fs([]) });

  it('skips with one line saying how to enable the tests when no browser is found', () => {
    const d = browserDecision(none, {});
    expect(d).toMatchObject({ run: false, fail: false });
    if (d.run) throw new Error('unreachable');
    expect(d.line).not.toContain('\n');
    expect(d.line).toMatch(
      /^browser tests skipped: no Chromium found .*apt-get install chromium.*DISTILL_CHROMIUM/,
    );
  });

  it('fails instead when DISTILL_REQUIRE_BROWSER=1 (CI) or DISTILL_CHROMIUM is wrong', () => {
    expect(browserDecision(none, { DISTILL_REQUIRE_BROWSER: '1' })).toMatchObject({ run: false, fail: true });
    const wrong = findBrowser({ env: { DISTILL_CHROMIUM: '/nope' }, ...fs([]) });
    expect(browserDecision(wrong, {})).toMatchObject({ run: false, fail: true });
  });

  it('runs with the browser found', () => {
    const found = findBrowser({ env: {}, ...fs(['/usr/bin/chromium']) });
    expect(browserDecision(found, { DISTILL_REQUIRE_BROWSER: '1' })).toEqual({
      run: true,
      path: '/usr/bin/chromium',
    });
  });
});
